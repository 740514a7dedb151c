package io.nglive.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server on 127.0.0.1 (or another address) for tests and the benchmarks: s3proxy over jclouds' filesystem store in {@code dir}, with one bucket,
 * {@link #BUCKET}, and the credentials {@link #ACCESS_KEY} / {@link #SECRET_KEY}. {@link #client()} is a plain SDK
 * client for the test's own look at the bucket.
 */
public final class S3Server implements AutoCloseable {

    public static final String BUCKET = "live";
    public static final String ACCESS_KEY = "nglive-access";
    public static final String SECRET_KEY = "nglive-secret-key";

    private final BlobStoreContext store;
    private final S3Proxy proxy;
    private final S3Client client;

    private final String address;

    private S3Server(Path dir, String address) throws Exception {
        this.address = address;
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        store = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential").overrides(properties)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(store.getBlobStore())
                .endpoint(URI.create("http://" + address + ":0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                // s3proxy reads a request signed whole (SigV4, not aws-chunked) into memory to check its hash and
                // refuses one over 128 MB by default: the latency bench's single PutObject is a whole 256 MB file
                .v4MaxNonChunkedRequestSize(1L << 30)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!proxy.getState().equals("STARTED")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        client = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        client.createBucket(b -> b.bucket(BUCKET));
    }

    /** Started on 127.0.0.1, with the bucket made; its objects are files under {@code dir}. */
    public static S3Server start(Path dir) {
        return start(dir, "127.0.0.1");
    }

    /** The same, listening on {@code address} (the benchmark's network namespace). */
    public static S3Server start(Path dir, String address) {
        try {
            return new S3Server(dir, address);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3proxy", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://" + address + ":" + proxy.getPort());
    }

    public int port() {
        return proxy.getPort();
    }

    public S3Client client() {
        return client;
    }

    /** The object's bytes. */
    public byte[] object(String key) {
        return client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
        store.close();
    }
}
