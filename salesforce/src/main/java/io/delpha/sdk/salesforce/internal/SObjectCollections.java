package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.salesforce.RecordResult;
import io.delpha.sdk.salesforce.SalesforceError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * sObject Collections ({@code /composite/sobjects}): many records per request, in chunks of 200 (the
 * resource's limit), {@code allOrNone=false} so one bad record does not sink its chunk, with one
 * {@link RecordResult} per record. It goes through the JDK HttpClient ({@link RestHttp}).
 */
public final class SObjectCollections {

  /** The most records one sObject Collections request may carry. */
  public static final int CHUNK = 200;

  private final RequestExecutor executor;
  private final RestHttp http;
  private final ObjectMapper mapper;

  /**
   * @param executor runs the calls
   * @param http the HttpClient side
   * @param mapper converts the caller's records to JSON
   */
  public SObjectCollections(RequestExecutor executor, RestHttp http, ObjectMapper mapper) {
    this.executor = executor;
    this.http = http;
    this.mapper = mapper;
  }

  /**
   * @param sobject the object type
   * @param records maps or POJOs
   * @return one result per record
   */
  public List<RecordResult> create(String sobject, List<?> records) {
    return write("create " + sobject + " records", "POST", "/composite/sobjects", sobject, records, false, false);
  }

  /**
   * @param sobject the object type
   * @param records maps or POJOs, each with its {@code Id}
   * @return one result per record
   */
  public List<RecordResult> update(String sobject, List<?> records) {
    return write("update " + sobject + " records", "PATCH", "/composite/sobjects", sobject, records, true, true);
  }

  /**
   * @param sobject the object type
   * @param externalIdField the external id field
   * @param records maps or POJOs, each with its external id value
   * @return one result per record
   */
  public List<RecordResult> upsert(String sobject, String externalIdField, List<?> records) {
    return write("upsert " + sobject + " records by " + externalIdField, "PATCH",
        "/composite/sobjects/" + sobject + "/" + externalIdField, sobject, records, false, true);
  }

  /**
   * @param ids record ids
   * @return one result per id
   */
  public List<RecordResult> delete(List<String> ids) {
    List<RecordResult> results = new ArrayList<>(ids.size());
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      chunk.forEach(id -> SalesforceIds.requireId(id));
      String path = "/composite/sobjects?allOrNone=false&ids=" + String.join(",", chunk);
      int offset = from;
      JsonNode answer = executor.http("delete records", true,
          s -> http.json(s, "delete records", "DELETE", path, null));
      results.addAll(results(answer, offset, chunk.size(), "delete records"));
    }
    return results;
  }

  private List<RecordResult> write(String what, String method, String path, String sobject,
      List<?> records, boolean requireId, boolean idempotent) {
    List<RecordResult> results = new ArrayList<>(records.size());
    for (int from = 0; from < records.size(); from += CHUNK) {
      List<?> chunk = records.subList(from, Math.min(records.size(), from + CHUNK));
      List<ObjectNode> json = new ArrayList<>(chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        json.add(toRecord(sobject, chunk.get(i), from + i, requireId));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("allOrNone", false);
      body.put("records", json);
      JsonNode answer = executor.http(what, idempotent, s -> http.json(s, what, method, path, body));
      results.addAll(results(answer, from, chunk.size(), what));
    }
    return results;
  }

  private ObjectNode toRecord(String sobject, Object record, int index, boolean requireId) {
    JsonNode node;
    try {
      node = mapper.valueToTree(record);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("record " + index + " cannot be written as JSON (" + e.getMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("record " + index + " must be a map or an object with fields");
    }
    ObjectNode object = (ObjectNode) node;
    if (requireId && Json.text(object, "Id") == null) {
      throw new InvalidInputException("record " + index + " has no Id: updates need each record's Id");
    }
    object.putObject("attributes").put("type", sobject);
    return object;
  }

  private static List<RecordResult> results(JsonNode answer, int offset, int expected, String what) {
    if (answer == null || !answer.isArray() || answer.size() != expected) {
      throw new DataFormatException(what + ": Salesforce answered " + (answer == null || !answer.isArray()
          ? "something other than a result array" : answer.size() + " results for " + expected + " records"));
    }
    List<RecordResult> results = new ArrayList<>(expected);
    for (int i = 0; i < expected; i++) {
      JsonNode r = answer.get(i);
      List<SalesforceError> errors = new ArrayList<>();
      JsonNode e = r.get("errors");
      if (e != null && e.isArray()) {
        errors.addAll(SalesforceErrors.of(e));
      }
      results.add(new RecordResult(offset + i, Json.text(r, "id"),
          r.path("success").asBoolean(false), r.path("created").asBoolean(false), errors));
    }
    return results;
  }

  /**
   * @param results results of a collections call
   * @return a short summary for logs, e.g. {@code "198 ok, 2 failed"}
   */
  public static String summary(List<RecordResult> results) {
    Map<Boolean, Long> counts = results.stream()
        .collect(Collectors.partitioningBy(RecordResult::success, Collectors.counting()));
    return counts.get(true) + " ok, " + counts.get(false) + " failed";
  }
}
