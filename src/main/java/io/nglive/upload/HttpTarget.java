package io.nglive.upload;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.nglive.Durations;
import io.nglive.Urls;
import io.nglive.pipeline.ProgressListener;
import io.nglive.pipeline.StageInterrupted;

/**
 * The {@code http} target: WebDAV (a NAS, Nextcloud, rclone, nginx dav) or any server that accepts HTTP PUT.
 * Parent folders are created with MKCOL, the file is streamed from disk, and its size on the server is read
 * back (PROPFIND, else HEAD) before the upload counts as done.
 *
 * <p>The password is only ever sent in the Authorization header: no message or log line contains it, nor the
 * {@code user:pass@} part of the configured URL.
 */
public final class HttpTarget implements UploadTarget {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTarget.class);
    /** Caps for the connection and for the small requests around the PUT (MKCOL, PROPFIND, HEAD). */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SMALL_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Folders known to exist are forgotten past this many, so a long-running server does not grow the set forever. */
    private static final int KNOWN_COLLECTIONS_LIMIT = 1000;
    private static final String PROPFIND_SIZE = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getcontentlength/></D:prop></D:propfind>";
    /** Namespace prefixes vary between servers (D:, d:, lp1:, none), so match the local name only. */
    private static final Pattern CONTENT_LENGTH =
            Pattern.compile("<(?:[\\w.-]+:)?getcontentlength(?:\\s[^>]*)?>\\s*(\\d+)\\s*<", Pattern.CASE_INSENSITIVE);

    private final String base;
    /** scheme://authority, and the base URL's own folders (raw, encoded), for creating the base itself. */
    private final String origin;
    private final List<String> baseFolders;
    private volatile boolean baseCreated;
    private final String where;
    private final String authorization;
    private final String password;
    private final Duration timeout;
    private final Duration smallRequestTimeout;
    private final HttpClient client;
    private final Set<String> knownCollections = ConcurrentHashMap.newKeySet();

    /**
     * @param url      root of the target; a {@code user:pass@} in it is used as the credentials unless
     *                 {@code user} is given
     * @param user     Basic auth user, or null/blank for none
     * @param password Basic auth password (null = empty)
     * @param timeout  longest one PUT may take
     */
    public HttpTarget(URI url, String user, String password, Duration timeout) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException(
                    "nglive.upload.url must be an http:// or https:// URL with a host, got: " + redact(url));
        }
        String authority = url.getRawAuthority().substring(url.getRawAuthority().lastIndexOf('@') + 1);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.base = scheme + "://" + authority + (path.endsWith("/") ? path : path + "/");
        this.origin = scheme + "://" + authority;
        this.baseFolders = java.util.Arrays.stream(path.split("/")).filter(f -> !f.isEmpty()).toList();
        this.where = url.getHost() + ":" + Urls.port(url);

        if ((user == null || user.isBlank()) && url.getUserInfo() != null) {
            String[] userInfo = url.getUserInfo().split(":", 2);
            user = userInfo[0];
            password = userInfo.length > 1 ? userInfo[1] : "";
        }
        this.password = password == null ? "" : password;
        this.authorization = user == null || user.isBlank() ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + this.password).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.smallRequestTimeout = shorter(timeout, SMALL_REQUEST_TIMEOUT);
        this.client = HttpClient.newBuilder()
                // HTTP/2 would start with an h2c upgrade that many small WebDAV servers mishandle.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(shorter(timeout, CONNECT_TIMEOUT))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String upload(Path file, String relativePath, ProgressListener progress) throws UploadFailed {
        List<String> segments = RelativePath.segments(relativePath);
        List<String> parents = segments.subList(0, segments.size() - 1);
        URI target = URI.create(base + encode(segments));
        String action = "upload of " + relativePath + " to " + where;
        long size = sizeOf(file);
        ProgressMeter meter = new ProgressMeter(size, progress);
        int cachedParents = createCollections(parents);
        meter.start();
        HttpResponse<Void> put = put(file, target, size, meter, action);
        if (isMissingParent(put.statusCode()) && (cachedParents > 0 || !baseCreated)) {
            // A folder we made earlier was deleted on the server since, or the base URL's own folder does not exist
            // yet: make the folders again, the base first, once.
            LOG.debug("{}: {} says a parent folder is missing, creating the folders again", target, where);
            knownCollections.clear();
            createBase();
            createCollections(parents);
            put = put(file, target, size, meter, action);
        }
        if (put.statusCode() / 100 != 2) {
            throw failure(action + " failed", put.statusCode());
        }
        long stored = storedSize(target, action);
        if (stored != size) {
            throw new UploadFailed(action + " is incomplete: size mismatch: sent " + size
                    + " bytes, server has " + stored);
        }
        meter.finish();
        return target.toString();
    }

    @Override
    public Optional<String> alreadyThere(Path file, String relativePath) throws UploadFailed {
        URI target = URI.create(base + encode(RelativePath.segments(relativePath)));
        OptionalLong stored = sizeOnServer(target, "cannot ask " + where + " whether " + relativePath + " is there");
        return stored.isPresent() && stored.getAsLong() == sizeOf(file) ? Optional.of(target.toString()) : Optional.empty();
    }

    private static long sizeOf(Path file) throws UploadFailed {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UploadFailed("file to upload cannot be read: " + file, e);
        }
    }

    /**
     * MKCOL each missing folder from the root down. Answers that are not a clear "created" or "already there"
     * (a plain PUT server may not know MKCOL) are left for the PUT to report.
     *
     * @return how many of the folders were taken as existing from the cache, without asking the server
     */
    private int createCollections(List<String> parents) throws UploadFailed {
        if (knownCollections.size() > KNOWN_COLLECTIONS_LIMIT) {
            knownCollections.clear();
        }
        int cached = 0;
        for (int i = 1; i <= parents.size(); i++) {
            String folder = encode(parents.subList(0, i)) + "/";
            if (knownCollections.contains(folder)) {
                cached++;
                continue;
            }
            String action = "cannot create folder " + String.join("/", parents.subList(0, i)) + " on " + where;
            HttpRequest request = request(URI.create(base + folder), smallRequestTimeout)
                    .method("MKCOL", BodyPublishers.noBody())
                    .build();
            int status = send(request, BodyHandlers.discarding(), action).statusCode();
            // 405: it exists already (rclone answers 201 then). 501 and the like: a plain PUT server, let PUT try.
            if (status / 100 == 2 || status == 405) {
                knownCollections.add(folder);
            } else if (status == 401 || status == 403 || status == 507 || (status / 100 == 5 && status != 501)) {
                throw failure(action, status);
            } else {
                return cached;
            }
        }
        return cached;
    }

    /** MKCOL the base URL's own folders from the server root down; answers are left for the PUT to judge. */
    private void createBase() throws UploadFailed {
        baseCreated = true;
        StringBuilder folder = new StringBuilder(origin).append('/');
        for (String segment : baseFolders) {
            folder.append(segment).append('/');
            HttpRequest request = request(URI.create(folder.toString()), smallRequestTimeout)
                    .method("MKCOL", BodyPublishers.noBody())
                    .build();
            send(request, BodyHandlers.discarding(), "cannot create folder " + folder + " on " + where);
        }
    }

    private HttpResponse<Void> put(Path file, URI target, long size, ProgressMeter meter, String action)
            throws UploadFailed {
        BodyPublisher body;
        try {
            body = size == 0 ? BodyPublishers.noBody() : counting(BodyPublishers.ofFile(file), size, meter);
        } catch (FileNotFoundException e) {
            throw new UploadFailed("file to upload does not exist: " + file, e);
        }
        HttpRequest request = request(target, timeout)
                .header("Content-Type", "application/octet-stream")
                .PUT(body)
                .build();
        return send(request, BodyHandlers.discarding(), action);
    }

    /** The file's size on the server: PROPFIND where WebDAV is spoken, else the Content-Length of a HEAD. */
    private long storedSize(URI target, String action) throws UploadFailed {
        String verify = action + " cannot be verified";
        return sizeOnServer(target, verify).orElseThrow(() -> new UploadFailed(verify
                + ": the server reports no size for it (neither PROPFIND nor HEAD found the file)"));
    }

    /** As {@link #storedSize}, empty when the server does not know the file (or reports no size for it). */
    private OptionalLong sizeOnServer(URI target, String action) throws UploadFailed {
        HttpRequest propfind = request(target, smallRequestTimeout)
                .header("Depth", "0")
                .header("Content-Type", "application/xml; charset=utf-8")
                .method("PROPFIND", BodyPublishers.ofString(PROPFIND_SIZE))
                .build();
        HttpResponse<String> properties = send(propfind, BodyHandlers.ofString(), action);
        if (properties.statusCode() == 207) {
            Matcher length = CONTENT_LENGTH.matcher(properties.body());
            if (length.find()) {
                return OptionalLong.of(Long.parseLong(length.group(1)));
            }
        }
        HttpRequest head = request(target, smallRequestTimeout).method("HEAD", BodyPublishers.noBody()).build();
        HttpResponse<Void> headers = send(head, BodyHandlers.discarding(), action);
        if (headers.statusCode() / 100 == 2 && headers.headers().firstValueAsLong("Content-Length").isPresent()) {
            return OptionalLong.of(headers.headers().firstValueAsLong("Content-Length").getAsLong());
        }
        if (headers.statusCode() == 401 || headers.statusCode() == 403 || headers.statusCode() / 100 == 5) {
            throw failure(action, headers.statusCode());
        }
        return OptionalLong.empty();
    }

    private HttpRequest.Builder request(URI uri, Duration requestTimeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("User-Agent", "nglive");
        // Preemptive: a 401 round trip would mean sending a multi-gigabyte body twice.
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    private <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler, String action) throws UploadFailed {
        try {
            HttpResponse<T> response = client.send(request, handler);
            LOG.debug("{} {} -> HTTP {}", request.method(), request.uri(), response.statusCode());
            return response;
        } catch (HttpConnectTimeoutException e) {
            throw new UploadFailed("cannot connect to " + where + ": no answer within "
                    + Durations.readable(client.connectTimeout().orElseThrow()), e);
        } catch (HttpTimeoutException e) {
            throw new UploadFailed(action + ": timed out after "
                    + Durations.readable(request.timeout().orElseThrow()), e);
        } catch (ConnectException e) {
            throw new UploadFailed("cannot connect to " + where + ": " + connectProblem(e), e);
        } catch (IOException e) {
            throw new UploadFailed(action + ": " + scrub(dropped(e)), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageInterrupted(action + " was interrupted");
        }
    }

    /**
     * The JDK's (and Apache HttpClient's, for the s3 target) words for a connection the server closed before it
     * answered ("header parser received no bytes", "Connection reset", "failed to respond"...), said plainly, with
     * theirs kept in parentheses.
     */
    static String dropped(IOException e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        String lower = message.toLowerCase(Locale.ROOT);
        boolean closed = lower.contains("received no bytes") || lower.contains("eof reached")
                || lower.contains("connection reset") || lower.contains("broken pipe")
                || lower.contains("failed to respond")
                || e instanceof EOFException;
        return closed ? "the server closed the connection before answering (" + message + ")" : message;
    }

    private UploadFailed failure(String action, int status) {
        String reason = switch (status) {
            case 401 -> "the server rejected the credentials"
                    + (authorization == null ? " (none are configured: nglive.upload.user)" : "");
            case 403 -> "the server rejected the credentials or does not allow writing there";
            case 404, 409 -> "the parent folder does not exist on the server and could not be created";
            case 413 -> "the file is too large for the server";
            case 507 -> "the server has insufficient storage";
            case 500 -> "the server had an internal error";
            case 502, 504 -> "the server is a proxy whose backend did not answer";
            case 503 -> "the server is unavailable";
            default -> status / 100 == 5 ? "the server had an error" : "the server refused it";
        };
        return new UploadFailed(action + ": " + reason + " (HTTP " + status + ")");
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private static boolean isMissingParent(int status) {
        return status == 409 || status == 404 || status == 403;
    }

    private String connectProblem(ConnectException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException) {
                return "unknown host";
            }
        }
        String message = e.getMessage();
        return message == null || message.toLowerCase(Locale.ROOT).contains("refused")
                ? "connection refused" : scrub(message);
    }

    /** Foreign messages (the JDK's) are not ours to trust: take out the password should one ever appear. */
    private String scrub(String message) {
        return password.isEmpty() ? message : message.replace(password, "***");
    }

    private static String encode(List<String> segments) {
        return RelativePath.encoded(String.join("/", segments));
    }

    private static String redact(URI url) {
        return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
    }

    /** Streams the file as it is, counting what the client takes for the progress. */
    private static BodyPublisher counting(BodyPublisher file, long size, ProgressMeter meter) {
        return BodyPublishers.fromPublisher(subscriber -> file.subscribe(new Flow.Subscriber<ByteBuffer>() {
            private long sent;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                sent += item.remaining();
                subscriber.onNext(item);
                meter.transferred(sent);
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        }), size);
    }
}
