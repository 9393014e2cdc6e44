package br.com.gorgen.backup.it;

import java.io.InputStream;

import br.com.gorgen.backup.support.Json;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/** Reads JSON objects (manifests) straight from a test bucket. */
final class ServiceTestBedJson {
    private ServiceTestBedJson() {
    }

    static JsonNode read(ServiceTestBed bed, String bucket, String key) {
        try (InputStream in = bed.s3.client().getObject(GetObjectRequest.builder().bucket(bucket).key(key).build())) {
            return Json.mapper().readTree(in);
        } catch (Exception e) {
            throw new AssertionError("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }
}
