package br.com.gorgen.backup.dump;

import java.util.List;
import java.util.Objects;

/** Masks known secrets (the database password) in text meant for humans. */
final class SecretRedactor {

    static final String MASK = "******";

    private final List<String> secrets;

    SecretRedactor(List<String> secrets) {
        this.secrets = secrets.stream().filter(Objects::nonNull).filter(s -> !s.isEmpty()).distinct()
                // longest first, so that a secret containing another one is masked as a whole
                .sorted((a, b) -> Integer.compare(b.length(), a.length()))
                .toList();
    }

    /** A redactor that masks nothing. */
    static SecretRedactor none() {
        return new SecretRedactor(List.of());
    }

    String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
