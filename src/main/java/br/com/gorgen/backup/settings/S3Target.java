package br.com.gorgen.backup.settings;

/**
 * One S3-compatible bucket and how to reach it. An empty endpoint means the embedded store.
 * Keys are kept out of {@link #toString()}.
 */
public record S3Target(String role, String endpoint, String region, String accessKey, String secretKey, String bucket) {

    public boolean embedded() {
        return endpoint == null || endpoint.isBlank();
    }

    public S3Target withEndpoint(String newEndpoint, String newAccessKey, String newSecretKey) {
        return new S3Target(role, newEndpoint, region, newAccessKey, newSecretKey, bucket);
    }

    @Override
    public String toString() {
        return role + " bucket '" + bucket + "' at " + (embedded() ? "embedded store" : endpoint);
    }
}
