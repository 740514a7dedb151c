package io.nglive;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/** Starts nglive: camel-main with the YAML routes in ./routes and the settings in ./application.properties. */
public final class Nglive {

    private Nglive() {
    }

    public static void main(String[] args) {
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
        main.configure().addConfiguration(NgliveConfiguration.class);
        System.exit(Startup.run(main, args));
    }
}
