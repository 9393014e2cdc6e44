package br.com.gorgen.backup.dump;

import java.util.Objects;

/**
 * Binary-log coordinates recorded by {@code mariadb-dump --master-data=2}: the binlog file name and the
 * byte offset inside it at the moment the consistent snapshot was taken.
 *
 * @param file     binlog file name, e.g. {@code binlog.000005}
 * @param position byte offset inside {@code file}
 */
public record BinlogPosition(String file, long position) {

    /** Validates the components. */
    public BinlogPosition {
        Objects.requireNonNull(file, "file");
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
    }

    @Override
    public String toString() {
        return file + ":" + position;
    }
}
