package br.com.gorgen.backup.api;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Request bodies, read strictly: a destructive call must do exactly what was asked or nothing. A body is one JSON
 * object (an empty body is an empty object) with no field the endpoint does not know, no field twice, nothing after
 * it; each field has its type, and a whole number is written as one ({@code 12.7} is not {@code 12}). Every refusal is
 * a 400 that names the field.
 */
public final class ApiRequest {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /** The bean the routes call ({@code apiRequest.noFields}). */
    public ApiRequest() {
    }

    /** A call that takes no parameters in its body: empty, or {@code {}}. */
    public void noFields(org.apache.camel.Exchange exchange) throws ApiException {
        object(exchange.getIn().getBody(String.class), "{} (or no body)");
    }

    /**
     * The body as a JSON object whose fields are all among {@code allowed}; {@code example} shows a valid body in
     * the refusal.
     */
    public static JsonNode object(String body, String example, String... allowed) throws ApiException {
        if (body == null || body.isBlank()) {
            return STRICT.createObjectNode();
        }
        JsonNode node;
        try {
            node = STRICT.readTree(body);
        } catch (Exception e) {
            String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw ApiException.badRequest("request body is not valid JSON"
                    + (why.startsWith("Duplicate field") ? ": " + why : "") + "; expected an object like " + example);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object like " + example);
        }
        Set<String> known = Set.of(allowed);
        for (var names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ApiException(400, "bad_request", "unknown field '" + name + "'; this call takes "
                        + (allowed.length == 0 ? "no field" : String.join(", ", List.of(allowed))) + ", e.g. " + example,
                        java.util.Map.of("field", name));
            }
        }
        return node;
    }

    /** A text field, or {@code dflt} when absent. */
    public static String text(JsonNode body, String field, String dflt) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw wrongType(field, "text", n);
        }
        return n.asText();
    }

    /** A true/false field, or {@code dflt} when absent. */
    public static Boolean bool(JsonNode body, String field, Boolean dflt) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw wrongType(field, "true or false", n);
        }
        return n.booleanValue();
    }

    /** A whole-number field, or {@code dflt} when absent. */
    public static Long wholeNumber(JsonNode body, String field, Long dflt) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw wrongType(field, "a whole number", n);
        }
        return n.longValue();
    }

    private static ApiException wrongType(String field, String expected, JsonNode actual) {
        return new ApiException(400, "bad_request", "field '" + field + "' must be " + expected + ", got "
                + (actual.isNull() ? "null" : actual.toString()), java.util.Map.of("field", field));
    }
}
