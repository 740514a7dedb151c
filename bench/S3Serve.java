import java.nio.file.Path;

import io.nglive.testing.S3Server;

/**
 * The tests' S3 server (s3proxy over a folder, bucket "live") for bench/bench.py's s3 scenarios: prints its port, then
 * serves until its standard input closes. It listens on ADDRESS if given (the s3-latency scenario runs it inside a
 * network namespace), else on 127.0.0.1.
 * java -cp target/test-classes:&lt;test classpath&gt; bench/S3Serve.java DIR [ADDRESS]
 */
public final class S3Serve {

    public static void main(String[] args) throws Exception {
        try (S3Server server = S3Server.start(Path.of(args[0]), args.length > 1 ? args[1] : "127.0.0.1")) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until bench.py closes the pipe
            }
        }
    }
}
