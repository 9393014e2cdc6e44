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
        main.run(args);
    }
}
