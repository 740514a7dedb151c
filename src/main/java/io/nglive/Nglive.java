package io.nglive;

import org.apache.camel.main.Main;

/** Starts nglive: camel-main with the YAML routes in ./routes and the settings in ./application.properties. */
public final class Nglive {

    private Nglive() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:application.properties");
        main.configure().addConfiguration(NgliveConfiguration.class);
        int code = Startup.run(main, args);
        System.exit(code);
    }
}
