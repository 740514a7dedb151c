package io.nglive;

import io.nglive.pipeline.Pipeline;
import io.nglive.recorder.RecorderSupervisor;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.slf4j.LoggerFactory;

/** Starts nglive: camel-main with its role's YAML routes (./routes for a node) and the settings in ./application.properties. */
public final class Nglive {

    private Nglive() {
    }

    public static void main(String[] args) {
        System.exit(Startup.run(Nglive::main, args));
    }

    /** camel-main set up for the role: its route folder, its configuration classes. */
    static Main main(Role role) {
        Main main = new Main() {
            @Override
            protected void configurePropertiesService(CamelContext camel) throws Exception {
                // paths and titles in application.properties are often Chinese: read it as UTF-8, not Latin-1
                ((org.apache.camel.component.properties.PropertiesComponent) camel.getPropertiesComponent())
                        .setEncoding("UTF-8");
                super.configurePropertiesService(camel);
            }
        };
        main.setPropertyPlaceholderLocations("file:application.properties");
        // application.properties may name other routes; these are the role's own
        main.configure().withRoutesIncludePattern(role.routes());
        main.configure().withRoutesReloadDirectory(role.routesDirectory());
        role.configurations().forEach(main.configure()::addConfiguration);
        // Startup turns SIGTERM, SIGINT and SIGHUP into a clean stop. The default strategy adds a JVM shutdown hook that
        // also runs on the System.exit of a failed start and logs it as a SIGTERM (and cannot be disabled in 4.17)
        main.setShutdownStrategy(new SimpleMainShutdownStrategy());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStop(BaseMainSupport stopping) {
                LoggerFactory.getLogger("io.nglive").info("stopping; unfinished jobs resume on the next start");
                // a supervised recorder stops first, while /webhook still takes the FileClosed it sends on its way out
                RecorderSupervisor recorder = stopping.getCamelContext().getRegistry()
                        .lookupByNameAndType("recorderSupervisor", RecorderSupervisor.class);
                if (recorder != null) {
                    recorder.stop();
                }
                // a long transcode must not hold the shutdown: stop the stages' work now, the journal resumes it
                Pipeline pipeline = stopping.getCamelContext().getRegistry().lookupByNameAndType("pipeline", Pipeline.class);
                if (pipeline != null) {
                    pipeline.stop();
                }
            }
        });
        return main;
    }
}
