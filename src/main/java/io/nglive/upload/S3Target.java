package io.nglive.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.nglive.Durations;
import io.nglive.pipeline.ProgressListener;
import io.nglive.pipeline.StageInterrupted;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The {@code s3} target: an object per file in a bucket of AWS S3 or of any server that speaks its API (MinIO, Ceph,
 * Garage, a cloud's object storage). A file of at least one part is sent as a multipart upload, its parts in parallel,
 * each streamed from the file at its offset; the upload id is journalled ({@link S3Uploads}) as soon as it exists, so
 * an attempt after a crash or a restart sends only the parts the server does not list. The object's size is checked
 * at the end.
 */
public final class S3Target implements UploadTarget, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3Target.class);
    /** S3 takes at most this many parts in one upload: a larger file gets larger parts. */
    private static final int MAX_PARTS = 10_000;
    /** A multipart object's ETag ends in {@code -<number of parts>} on S3 and most servers that copy it. */
    private static final Pattern MULTIPART_ETAG = Pattern.compile("\"?[0-9a-fA-F]+-(\\d+)\"?");
    /** A connection that moves no byte for this long is dead (a NAT forgot it, the server hangs). */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    /**
     * A kept-alive connection idle this long is not used again but closed. Between two uploads a home router's NAT
     * or the server (S3 after about 20 s) may have dropped it without a word the client can see; a request sent on
     * it is lost and fails the attempt (no answer, or none for {@link #SOCKET_TIMEOUT}).
     */
    static final Duration CONNECTION_MAX_IDLE = Duration.ofSeconds(10);

    private final S3Settings settings;
    private final S3Uploads journal;
    private final S3Client client;
    private final Duration timeout;
    private final String where;
    private final String objectBase;

    /** @param timeout longest one request may take (a part, or a whole file below the part size) */
    public S3Target(S3Settings settings, Duration timeout, S3Uploads journal) {
        this(settings, timeout, journal, CONNECTION_MAX_IDLE);
    }

    /** @param connectionMaxIdle a kept-alive connection idle for longer is closed, not used again */
    S3Target(S3Settings settings, Duration timeout, S3Uploads journal, Duration connectionMaxIdle) {
        this.settings = settings;
        this.journal = journal;
        this.client = client(settings, timeout, connectionMaxIdle);
        this.timeout = timeout;
        URI endpoint = settings.endpoint() != null ? settings.endpoint()
                : URI.create("https://s3." + settings.region() + ".amazonaws.com");
        String authority = endpoint.getRawAuthority().substring(endpoint.getRawAuthority().lastIndexOf('@') + 1);
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
        this.where = "the bucket " + settings.bucket() + " at " + authority;
        this.objectBase = settings.pathStyle()
                ? endpoint.getScheme() + "://" + authority + path + "/" + settings.bucket() + "/"
                : endpoint.getScheme() + "://" + settings.bucket() + "." + authority + path + "/";
    }

    private static S3Client client(S3Settings settings, Duration timeout, Duration connectionMaxIdle) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .forcePathStyle(settings.pathStyle())
                // over http the payload is signed: whole (the part is read twice, from the page cache) rather than in
                // aws-chunked encoding, which servers verify chunk by chunk, much slower (s3proxy: 0.5 of boto3's rate)
                .serviceConfiguration(c -> c.chunkedEncodingEnabled(false))
                // checksums only where S3 requires them: many S3 servers know no trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // a failed part fails the attempt; the pipeline's redelivery resumes it, sending only what is missing
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(timeout))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(settings.parallel() + 2)
                        .socketTimeout(SOCKET_TIMEOUT)
                        .connectionMaxIdleTime(connectionMaxIdle)
                        .connectionTimeout(Duration.ofSeconds(30)));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    @Override
    public String upload(Path file, String relativePath, ProgressListener progress) throws UploadFailed {
        String key = key(relativePath);
        String action = "upload of " + relativePath + " to " + where;
        long size = sizeOf(file);
        ProgressMeter meter = new ProgressMeter(size, progress);
        meter.start();
        int parts;
        if (size < settings.partSize()) {
            call(action, () -> client.putObject(b -> b.bucket(settings.bucket()).key(key).contentLength(size),
                    RequestBody.fromContentProvider(new FileSlice(file, 0, size), size, "application/octet-stream")));
            parts = 0;
        } else {
            parts = multipart(file, key, size, meter, action);
        }
        verify(key, size, parts, action);
        journal.forgetObject(key);
        meter.finish();
        return objectBase + RelativePath.encoded(key);
    }

    @Override
    public Optional<String> alreadyThere(Path file, String relativePath) throws UploadFailed {
        String key = key(relativePath);
        Optional<HeadObjectResponse> head = head(key, "cannot ask " + where + " whether " + relativePath + " is there");
        if (head.isPresent() && head.get().contentLength() == sizeOf(file)) {
            journal.forgetObject(key);
            return Optional.of(objectBase + RelativePath.encoded(key));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        client.close();
    }

    /** Sends the parts the server does not have, then completes the upload; returns the number of parts. */
    private int multipart(Path file, String key, long size, ProgressMeter meter, String action) throws UploadFailed {
        S3Uploads.Upload upload = journal.find(key, size).orElse(null);
        Map<Integer, Part> onServer = Map.of();
        if (upload != null) {
            try {
                if (!onServer(key, upload.uploadId(), action)) {
                    throw NoSuchUploadException.builder().build();
                }
                onServer = listParts(key, upload.uploadId(), action);
                LOG.info("{}: resuming upload {}, the server has {} parts already", action, upload.uploadId(),
                        onServer.size());
            } catch (NoSuchUploadException e) {
                LOG.info("{}: the server no longer knows upload {}: starting over", action, upload.uploadId());
                journal.forget(upload.uploadId());
                upload = null;
            }
        }
        if (upload == null) {
            upload = begin(file, key, size, action);
        }
        String uploadId = upload.uploadId();
        long partSize = upload.partSize();
        int count = (int) ((size + partSize - 1) / partSize);
        CompletedPart[] completed = new CompletedPart[count];
        List<Integer> missing = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        for (int part = 1; part <= count; part++) {
            Part there = onServer.get(part);
            if (there != null && there.size() == partLength(part, size, partSize)) {
                completed[part - 1] = CompletedPart.builder().partNumber(part).eTag(there.eTag()).build();
                done.addAndGet(there.size());
            } else {
                missing.add(part);
            }
        }
        meter.transferred(done.get());
        sendParts(missing, part -> {
            long length = partLength(part, size, partSize);
            String etag = call(action + ", part " + part + " of " + count, () -> client.uploadPart(
                    b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId).partNumber(part)
                            .contentLength(length),
                    RequestBody.fromContentProvider(new FileSlice(file, (part - 1) * partSize, length), length,
                            "application/octet-stream"))).eTag();
            journal.partSent(uploadId, part, etag, length);
            completed[part - 1] = CompletedPart.builder().partNumber(part).eTag(etag).build();
            meter.transferred(done.addAndGet(length));
        }, key, uploadId, action);
        try {
            call(action + ", completing it", () -> client.completeMultipartUpload(b -> b.bucket(settings.bucket())
                    .key(key).uploadId(uploadId).multipartUpload(m -> m.parts(Arrays.asList(completed)))));
        } catch (UploadFailed e) {
            forgetIfUnknown(e, uploadId);
            throw e;
        }
        journal.forget(uploadId);
        return count;
    }

    private S3Uploads.Upload begin(Path file, String key, long size, String action) throws UploadFailed {
        // 10,000 parts at most: a bigger file than that many parts hold gets bigger parts, in whole MiB
        long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
        long partSize = Math.max(settings.partSize(), (needed + (1 << 20) - 1) >> 20 << 20);
        String uploadId = call(action + ", creating the multipart upload", () -> client.createMultipartUpload(
                b -> b.bucket(settings.bucket()).key(key).contentType("application/octet-stream"))).uploadId();
        S3Uploads.Upload upload = new S3Uploads.Upload(uploadId, size, partSize);
        journal.begun(key, file.toString(), upload);
        return upload;
    }

    /**
     * Whether the server still has the upload: S3 answers ListParts of an aborted one with NoSuchUpload, but not every
     * server does, while all list their unfinished uploads.
     */
    private boolean onServer(String key, String uploadId, String action) throws UploadFailed {
        return call(action + ", looking for the upload begun before", () -> client.listMultipartUploadsPaginator(
                b -> b.bucket(settings.bucket()).prefix(key)).uploads().stream()
                .anyMatch(upload -> upload.key().equals(key) && upload.uploadId().equals(uploadId)));
    }

    private Map<Integer, Part> listParts(String key, String uploadId, String action) throws UploadFailed {
        Map<Integer, Part> parts = new HashMap<>();
        try {
            call(action + ", listing the parts sent before", () -> {
                client.listPartsPaginator(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId)).parts()
                        .forEach(part -> parts.put(part.partNumber(), part));
                return parts;
            });
        } catch (UploadFailed e) {
            if (e.getCause() instanceof NoSuchUploadException unknown) {
                throw unknown;
            }
            throw e;
        }
        return parts;
    }

    /** What one part's upload does; it journals the part when it arrived. */
    private interface PartUpload {
        void send(int part) throws UploadFailed;
    }

    /**
     * Sends {@code parts}, {@code parallel} at once. The first failure stops further parts (those in flight finish,
     * and count); an interruption (shutdown) interrupts every part in flight.
     */
    private void sendParts(List<Integer> parts, PartUpload upload, String key, String uploadId, String action)
            throws UploadFailed {
        if (parts.isEmpty()) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.parallel(), parts.size()), task -> {
            Thread thread = new Thread(task, "s3-part-" + threads.incrementAndGet() + " " + key);
            thread.setDaemon(true);
            return thread;
        });
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> sending = new ArrayList<>();
        UploadFailed first = null;
        try {
            for (int part : parts) {
                sending.add(pool.submit(() -> {
                    if (!failed.get()) {
                        upload.send(part);
                    }
                    return null;
                }));
            }
            for (Future<?> part : sending) {
                try {
                    part.get();
                } catch (ExecutionException e) {
                    failed.set(true);
                    if (first == null) {
                        first = e.getCause() instanceof UploadFailed f ? f
                                : new UploadFailed(action + ": " + e.getCause(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            awaitQuietly(pool);
            Thread.currentThread().interrupt();
            throw new StageInterrupted(action + " was interrupted");
        } finally {
            pool.shutdownNow();
        }
        if (first != null) {
            forgetIfUnknown(first, uploadId);
            throw first;
        }
    }

    /**
     * An upload the server forgot (aborted, or expired by a lifecycle rule) is started over by the next attempt. Some
     * servers say so with NoSuchKey rather than NoSuchUpload.
     */
    private void forgetIfUnknown(UploadFailed failure, String uploadId) {
        if (failure.getCause() instanceof S3Exception e && e.statusCode() == 404) {
            journal.forget(uploadId);
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The object is there with the file's size (and as many parts as were sent, where the server says). */
    private void verify(String key, long size, int parts, String action) throws UploadFailed {
        String verify = action + " cannot be verified";
        HeadObjectResponse head = head(key, verify).orElseThrow(() -> new UploadFailed(verify
                + ": the server does not have the object after it accepted it"));
        if (head.contentLength() != size) {
            throw new UploadFailed(action + " is incomplete: size mismatch: sent " + size + " bytes, server has "
                    + head.contentLength());
        }
        Matcher etag = MULTIPART_ETAG.matcher(head.eTag() == null ? "" : head.eTag());
        if (parts > 0 && etag.matches() && Integer.parseInt(etag.group(1)) != parts) {
            throw new UploadFailed(action + " is incomplete: " + parts + " parts were sent, the server's object has "
                    + etag.group(1));
        }
    }

    private Optional<HeadObjectResponse> head(String key, String action) throws UploadFailed {
        try {
            return Optional.of(call(action, () -> client.headObject(b -> b.bucket(settings.bucket()).key(key))));
        } catch (UploadFailed e) {
            if (e.getCause() instanceof S3Exception s3 && s3.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private String key(String relativePath) throws UploadFailed {
        return settings.prefix() + String.join("/", RelativePath.segments(relativePath));
    }

    private static long partLength(int part, long size, long partSize) {
        return Math.min(partSize, size - (part - 1) * partSize);
    }

    private static long sizeOf(Path file) throws UploadFailed {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UploadFailed("file to upload cannot be read: " + file, e);
        }
    }

    /** One request to the server, its failures said in words. */
    private <T> T call(String action, Supplier<T> request) throws UploadFailed {
        try {
            return request.get();
        } catch (S3Exception e) {
            throw new UploadFailed(action + ": " + reason(e), e);
        } catch (AbortedException e) {
            Thread.currentThread().interrupt();
            throw new StageInterrupted(action + " was interrupted");
        } catch (SdkClientException e) {
            if (interrupted(e)) {
                Thread.currentThread().interrupt();
                throw new StageInterrupted(action + " was interrupted");
            }
            throw new UploadFailed(action + ": " + problem(e), e);
        }
    }

    private String reason(S3Exception e) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String reason = switch (status) {
            case 400 -> "the server refused the request";
            case 401, 403 -> "the server refused the credentials, or the bucket's policy does not allow it (check the"
                    + " access key, the secret key and the bucket)";
            case 404 -> "NoSuchBucket".equals(code) ? "the bucket " + settings.bucket() + " does not exist"
                    : "NoSuchUpload".equals(code) ? "the server no longer knows this multipart upload (it was aborted"
                    + " or expired): the next attempt starts over" : "the server does not know it";
            case 500 -> "the server had an internal error";
            case 503 -> "the server is busy or unavailable (it asks to slow down): the upload is tried again later";
            default -> status / 100 == 5 ? "the server had an error" : "the server refused it";
        };
        return reason + " (HTTP " + status + (code == null ? "" : " " + code) + ")";
    }

    private String problem(SdkClientException e) {
        if (e instanceof ApiCallTimeoutException) {
            return "timed out after " + Durations.readable(timeout);
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return "cannot connect to " + where + ": connection refused";
            }
            if (cause instanceof UnknownHostException) {
                return "cannot connect to " + where + ": unknown host";
            }
            if (cause instanceof SocketTimeoutException) {
                return "the server did not answer within " + Durations.readable(SOCKET_TIMEOUT);
            }
            if (cause instanceof IOException io) {
                return HttpTarget.dropped(io);
            }
        }
        return e.getMessage();
    }

    private static boolean interrupted(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClosedByInterruptException || cause instanceof InterruptedException
                    || cause instanceof InterruptedIOException && !(cause instanceof java.net.SocketTimeoutException)) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    /**
     * {@code length} bytes of {@code file} from {@code offset}, read from the disk as the request is sent: the heap
     * holds a buffer, never a part. Each request opens the file anew (a retry or a signature may read it twice).
     */
    private record FileSlice(Path file, long offset, long length) implements ContentStreamProvider {

        @Override
        public InputStream newStream() {
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
                return new InputStream() {
                    private final InputStream in = Channels.newInputStream(channel);
                    private long left = length;

                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] buffer, int from, int count) throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int read = in.read(buffer, from, (int) Math.min(count, left));
                        if (read < 0) {
                            throw new IOException(file + " got shorter while it was being sent");
                        }
                        left -= read;
                        return read;
                    }

                    @Override
                    public void close() throws IOException {
                        in.close();
                    }
                };
            } catch (IOException e) {
                throw SdkClientException.create("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
