package br.com.gorgen.backup;

public class BackupApplication {
    public static void main(String[] args) throws Exception {
        new org.apache.camel.main.Main(BackupApplication.class).run(args);
    }
}
