package br.com.gorgen.backup.dump;

import java.io.IOException;
import java.util.Objects;

/**
 * Carries a {@link DumpFailedException} through APIs that can only throw {@link IOException}, such as
 * {@link java.io.InputStream#read()} of a {@link DumpStream}. The message is the one of the wrapped failure;
 * {@link #failure()} (also the {@linkplain #getCause() cause}) returns it.
 */
public class DumpFailedIOException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Wraps a dump failure.
     *
     * @param failure the failure to carry
     */
    public DumpFailedIOException(DumpFailedException failure) {
        super(Objects.requireNonNull(failure, "failure").getMessage(), failure);
    }

    /**
     * The dump failure carried by this exception.
     *
     * @return the wrapped {@link DumpFailedException}
     */
    public DumpFailedException failure() {
        return (DumpFailedException) getCause();
    }
}
