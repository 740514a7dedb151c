import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * s3proxy over jclouds' filesystem store, as the tests' S3Server sets it up (bucket "live", the same credentials), but
 * listening on a given address rather than 127.0.0.1: bench/bench.py's s3-latency scenario runs it inside a network
 * namespace, reached over a veth pair with netem delay. Prints its port, then serves until its standard input closes.
 * java -Xmx1536m -cp &lt;test classpath&gt; bench/S3NetServe.java DIR ADDRESS
 */
public final class S3NetServe {

    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", Path.of(args[0]).toString());
        try (BlobStoreContext store = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential")
                .overrides(properties).build(BlobStoreContext.class)) {
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(store.getBlobStore())
                    .endpoint(URI.create("http://" + args[1] + ":0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "nglive-access", "nglive-secret-key")
                    .ignoreUnknownHeaders(true)
                    // s3proxy reads a request signed whole (SigV4, not aws-chunked) into memory to check its hash and
                    // refuses one over 128 MB by default: the scenario's single PutObject is the whole file
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
            store.getBlobStore().createContainerInLocation(null, "live");
            System.out.println("PORT " + proxy.getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until bench.py closes the pipe
            }
            proxy.stop();
        }
    }
}
