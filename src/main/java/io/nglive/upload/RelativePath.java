package io.nglive.upload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The '/'-separated path a file gets under a target's root, checked so that it can never leave that root. */
final class RelativePath {

    private RelativePath() {
    }

    /**
     * The segments of {@code relativePath}; empty segments ({@code a//b}) are dropped.
     *
     * @throws UploadFailed when the path is absolute, empty, or has a {@code .} or {@code ..} segment
     */
    static List<String> segments(String relativePath) throws UploadFailed {
        if (relativePath == null || relativePath.isBlank()) {
            throw new UploadFailed("the upload path is empty");
        }
        if (relativePath.startsWith("/")) {
            throw new UploadFailed("the upload path must be relative to the target's root, not absolute: "
                    + relativePath);
        }
        List<String> segments = new ArrayList<>();
        for (String segment : relativePath.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new UploadFailed("the upload path must stay inside the target's root: " + relativePath);
            }
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    /** {@code path} for a URL: each '/'-separated segment percent-encoded as UTF-8, all but RFC 3986 unreserved. */
    static String encoded(String path) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }
}
