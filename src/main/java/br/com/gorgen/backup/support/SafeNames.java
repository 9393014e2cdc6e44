package br.com.gorgen.backup.support;

import java.util.regex.Pattern;

/**
 * Checks for names read from a snapshot or a manifest before they are used as a path or a key: whoever can write to a
 * bucket can write a manifest, so what it names is untrusted until checked here.
 */
public final class SafeNames {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private SafeNames() {
    }

    /** A plain file name (a binary log's, a tar entry's): letters, digits, {@code _ . -}, not starting with a dot. */
    public static boolean isFileName(String name) {
        return name != null && FILE_NAME.matcher(name).matches() && !name.contains("..");
    }

    /** A lower-case hex SHA-256 (a content's name). */
    public static boolean isSha256(String hex) {
        return hex != null && SHA256.matcher(hex).matches();
    }

    /**
     * An object key under {@code root} with no empty, {@code .} or {@code ..} segment and no control character: what
     * a manifest may name as one of this installation's objects.
     */
    public static boolean isKeyUnder(String key, String root) {
        if (key == null || !key.startsWith(root) || key.length() > 1024) {
            return false;
        }
        for (String segment : key.substring(root.length()).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return key.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f || ch == '\\');
    }
}
