package br.com.gorgen.backup;

import org.apache.camel.main.Main;

/**
 * Starts gorgen-backup: Camel Main with the configuration in {@code config/application.properties} (or the file
 * named by {@code BACKUP_CONFIG_FILE}) and the YAML routes in {@code routes/}, both relative to the working
 * directory, plus the Java beans and routes under this package.
 */
public final class BackupApplication {
    private BackupApplication() {
    }

    public static void main(String[] args) throws Exception {
        String config = System.getenv().getOrDefault("BACKUP_CONFIG_FILE", "config/application.properties");
        Main main = new Main(BackupApplication.class);
        main.setPropertyPlaceholderLocations("file:" + config);
        // a failed start must end the process (non-daemon threads of the embedded store or the pool would keep it
        // alive), so that a supervisor sees it and restarts or alerts
        int code;
        try {
            code = main.run(args);
        } catch (Exception e) {
            System.err.println("gorgen-backup could not start: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }
}
