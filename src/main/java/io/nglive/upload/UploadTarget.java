package io.nglive.upload;

import java.nio.file.Path;
import java.util.Optional;

import io.nglive.pipeline.ProgressListener;

/** Where finished files go. One implementation per kind of target ({@code nglive.upload.target}). */
public interface UploadTarget {

    /**
     * Uploads {@code file} so that it ends up at {@code relativePath} ('/'-separated) under the target's root,
     * and verifies that it arrived whole.
     *
     * @return where the file now is: a URL, or a path for local targets
     * @throws UploadFailed with a readable reason when it did not arrive, or not whole
     */
    String upload(Path file, String relativePath, ProgressListener progress) throws UploadFailed;

    /**
     * Where the target already holds {@code file} whole at {@code relativePath} (same size), as after an attempt
     * whose upload arrived but whose completion was never journalled (nglive killed in between); empty when it does
     * not, or when the target cannot tell. Asked before an attempt that is not the first, so that such a file is
     * not sent twice.
     *
     * @throws UploadFailed when the target cannot be asked (it is down)
     */
    default Optional<String> alreadyThere(Path file, String relativePath) throws UploadFailed {
        return Optional.empty();
    }
}
