package io.delpha.sdk.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.internal.ClosedGuard;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.internal.Pause;
import io.delpha.sdk.core.internal.http.HttpCaller;
import io.delpha.sdk.core.internal.http.Peers;
import io.delpha.sdk.core.internal.metrics.Meter;
import io.delpha.sdk.core.internal.metrics.Recorder;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.salesforce.internal.Authenticator;
import io.delpha.sdk.salesforce.internal.BulkIngest;
import io.delpha.sdk.salesforce.internal.BulkQuery;
import io.delpha.sdk.salesforce.internal.SalesforceIds;
import io.delpha.sdk.salesforce.internal.QueryPages;
import io.delpha.sdk.salesforce.internal.RequestExecutor;
import io.delpha.sdk.salesforce.internal.RestHttp;
import io.delpha.sdk.salesforce.internal.SObjectCollections;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Salesforce client of the library: logs in to one org (OAuth 2.0 username-password, client credentials or JWT
 * bearer), then queries, describes and writes its objects over REST and Bulk API 2.0.
 *
 * <pre>{@code
 * try (SalesforceManager sf = SalesforceManager.builder()
 *     .instance("mycompany")                  // or .loginUrl("https://test.salesforce.com")
 *     .clientId(id).clientSecret(secret)
 *     .username(user).password(pw).securityToken(token)
 *     .build()) {                             // logs in: bad credentials fail here
 *   QueryResult r = sf.query("SELECT Name FROM Contact");   // every page followed
 *   System.out.println(r.size() + " contacts");
 *   try (Stream<Contact> s = sf.stream("SELECT Id, Name FROM Contact", Contact.class)) {
 *     s.forEach(...);                          // one page in memory at a time
 *   }
 * }
 * }</pre>
 *
 * <p>Every call (logins, queries, describe, single records, Bulk API 2.0, sObject Collections, {@code limits}) goes
 * through the JDK HttpClient, redirects never followed and every answer read within the builder's {@code
 * responseLimits}. Thread-safe.
 */
public final class SalesforceManager implements SalesforceClient {

  private static final Logger log = LoggerFactory.getLogger(SalesforceManager.class);
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final Class<Map<String, Object>> MAP = (Class) Map.class;

  private final SalesforceConfig config;
  private final ObjectMapper mapper;
  private final RestHttp http;
  private final RequestExecutor executor;
  private final BulkQuery bulk;
  private final BulkIngest ingest;
  private final SObjectCollections collections;
  private final Recorder metrics;
  private final ClosedGuard guard = new ClosedGuard("this SalesforceManager");

  SalesforceManager(SalesforceConfig config, Authenticator authenticator, HttpCaller caller,
      ObjectMapper mapper, Clock clock, Pause.Sleeper sleeper, Recorder metrics, long ingestJobBytes) {
    this.config = config;
    this.metrics = metrics;
    this.mapper = mapper;
    this.http = new RestHttp(caller, mapper, config.apiVersion(), config.responseLimits());
    this.executor = new RequestExecutor(authenticator, config.loginUrl(), caller.retrier(), http);
    this.bulk = new BulkQuery(executor, http, config, clock, sleeper);
    this.ingest = new BulkIngest(executor, http, config, clock, sleeper, ingestJobBytes);
    this.collections = new SObjectCollections(executor, http, mapper);
  }

  /**
   * @return a builder; {@code build()} logs in
   */
  public static SalesforceManagerBuilder builder() {
    return new SalesforceManagerBuilder();
  }

  /**
   * @return the configuration, without secrets in its {@code toString()}
   */
  public SalesforceConfig config() {
    return config;
  }

  /**
   * A builder for another manager with this one's settings ({@code config().toBuilder()}, secrets included), so
   * {@code toBuilder().build().config()} equals {@link #config()}; building it logs in anew. A {@code SecretProvider}
   * given to {@link SalesforceManagerBuilder#credentials} is not a setting and is not carried over (see {@link
   * SalesforceConfig#toBuilder()}). Works on a closed manager too.
   *
   * @return a new builder holding {@link #config()}
   */
  public SalesforceManagerBuilder toBuilder() {
    return config.toBuilder();
  }

  /**
   * This manager's current session, for a client of another Salesforce API (the Pub/Sub API of a change stream):
   * logs in first if it is not logged in. The session stays valid until Salesforce expires it; then {@link
   * #renewSession} gives the next one. Nothing is logged of the token.
   *
   * @return the access token, the instance URL and the org id of the login
   * @throws io.delpha.sdk.core.AuthenticationException if a login is needed and Salesforce refuses the credentials
   * @throws DataFormatException if the token answer named no identity URL ({@code id}) to take the org id from
   * @throws ClosedException if this manager is closed
   */
  public SalesforceSession session() {
    open();
    return publicSession(executor.session());
  }

  /**
   * The session after {@code refused}: logs in again if {@code refused} is still the current session (a peer answered
   * that it expired), else gives the current one, so callers that saw the same expired session log in once. Calls of
   * this manager that meet the expired session renew it the same way.
   *
   * @param refused the session a peer refused
   * @return the current session
   * @throws io.delpha.sdk.core.AuthenticationException if Salesforce refuses the credentials
   * @throws DataFormatException if the token answer named no identity URL ({@code id})
   * @throws ClosedException if this manager is closed
   */
  public SalesforceSession renewSession(SalesforceSession refused) {
    open();
    return publicSession(executor.renew(Objects.requireNonNull(refused, "refused").accessToken()));
  }

  private static SalesforceSession publicSession(io.delpha.sdk.salesforce.internal.Session s) {
    String identity = s.identityUrl();
    String orgId = identity == null ? null : SalesforceIds.orgIdOf(identity);
    if (orgId == null) {
      throw new DataFormatException("the Salesforce token answer at " + s.instanceUrl() + " names no identity URL "
          + "(id: https://login.salesforce.com/id/<orgId>/<userId>) to take the org id from");
    }
    return new SalesforceSession(s.accessToken(), s.instanceUrl(), orgId);
  }

  @Override
  public QueryResult query(String soql) {
    open();
    return collect(soql, false);
  }

  @Override
  public QueryResult queryAll(String soql) {
    open();
    return collect(soql, true);
  }

  private QueryResult collect(String soql, boolean includeDeleted) {
    String operation = includeDeleted ? "query_all" : "query";
    QueryResult result = call(operation, () -> {
      QueryPages<Map<String, Object>> pages = new QueryPages<>(executor, http, mapper, requireSoql(soql), MAP, includeDeleted);
      List<Map<String, Object>> records = new ArrayList<>();
      pages.forEachRemaining(records::add);
      return new QueryResult(records, pages.totalSize());
    });
    records(operation, result.size());
    return result;
  }

  @Override
  public <T> List<T> query(String soql, Class<T> type) {
    open();
    try (Stream<T> records = stream(soql, type)) {
      return records.toList();
    }
  }

  @Override
  public Stream<Map<String, Object>> stream(String soql) {
    open();
    return stream(soql, MAP);
  }

  @Override
  public <T> Stream<T> stream(String soql, Class<T> type) {
    open();
    return counted("stream",
        new QueryPages<>(executor, http, mapper, requireSoql(soql), Objects.requireNonNull(type, "type"), false).stream());
  }

  @Override
  public <T> Stream<T> streamAll(String soql, Class<T> type) {
    open();
    return counted("stream_all",
        new QueryPages<>(executor, http, mapper, requireSoql(soql), Objects.requireNonNull(type, "type"), true).stream());
  }

  @Override
  public Stream<Map<String, String>> bulkQuery(String soql) {
    open();
    return counted("bulk_query", bulk.run(requireSoql(soql), false));
  }

  @Override
  public Stream<Map<String, String>> bulkQueryAll(String soql) {
    open();
    return counted("bulk_query_all", bulk.run(requireSoql(soql), true));
  }

  @Override
  public BulkIngestReport bulkIngest(String sObject, BulkOperation operation, @Nullable String externalIdField,
      Stream<? extends Map<String, ?>> records) {
    open();
    Objects.requireNonNull(sObject, "sObject");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(records, "records");
    BulkIngestReport report = call("bulk_ingest", () -> ingest.run(sObject, operation, externalIdField, records));
    records("bulk_ingest", report.successful());
    log.info("bulkIngest: {} of {} records saved, {} failed, {} unprocessed, in {} job(s)", report.successful(),
        report.records(), report.failed(), report.unprocessed(), report.jobs().size());
    return report;
  }

  @Override
  public List<SObjectSummary> describeGlobal() {
    open();
    String what = "describe global";
    JsonNode sobjects = call("describe_global",
        () -> executor.http(what, true, s -> http.json(s, what, "GET", "/sobjects/", null))).path("sobjects");
    if (!sobjects.isArray()) {
      throw new DataFormatException(what + ": the answer lists no sobjects");
    }
    List<SObjectSummary> summaries = new ArrayList<>(sobjects.size());
    for (JsonNode s : sobjects) {
      String name = requiredText(s, "name", what);
      summaries.add(new SObjectSummary(name, s.path("label").asText(name), s.path("custom").asBoolean(false),
          s.path("queryable").asBoolean(false), s.path("createable").asBoolean(false),
          s.path("keyPrefix").isTextual() ? s.path("keyPrefix").asText() : null));
    }
    return summaries;
  }

  @Override
  public SObjectDescription describe(String sobject) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    String what = "describe " + name;
    JsonNode d = call("describe",
        () -> executor.http(what, true, s -> http.json(s, what, "GET", "/sobjects/" + name + "/describe", null)));
    if (!d.isObject()) {
      throw new DataFormatException(what + ": the answer is not a description");
    }
    List<FieldDescription> fields = new ArrayList<>();
    for (JsonNode f : d.path("fields")) {
      String field = requiredText(f, "name", what);
      List<String> referenceTo = new ArrayList<>();
      for (JsonNode target : f.path("referenceTo")) {
        referenceTo.add(target.asText());
      }
      fields.add(new FieldDescription(field, f.path("label").asText(field), f.path("type").asText(""),
          f.path("length").asInt(0), f.path("nillable").asBoolean(false), f.path("externalId").asBoolean(false),
          f.path("createable").asBoolean(false), f.path("updateable").asBoolean(false), referenceTo));
    }
    String described = d.path("name").asText(name);
    return new SObjectDescription(described, d.path("label").asText(described), d.path("custom").asBoolean(false),
        d.path("queryable").asBoolean(false), d.path("createable").asBoolean(false),
        d.path("updateable").asBoolean(false), d.path("deletable").asBoolean(false), fields);
  }

  /** A text field a description must have. */
  private static String requiredText(JsonNode node, String field, String what) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isEmpty()) {
      throw new DataFormatException(what + ": an entry of the answer has no " + field);
    }
    return value.asText();
  }

  @Override
  public Map<String, Object> get(String sobject, String id) {
    open();
    return get(sobject, id, MAP);
  }

  @Override
  public <T> T get(String sobject, String id, Class<T> type) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    String recordId = SalesforceIds.requireId(id);
    Objects.requireNonNull(type, "type");
    String what = "get " + name + " " + recordId;
    JsonNode record = call("get",
        () -> executor.http(what, true, s -> http.json(s, what, "GET", "/sobjects/" + name + "/" + recordId, null)));
    if (!record.isObject()) {
      throw new DataFormatException(what + ": the answer is not a record");
    }
    try {
      return mapper.treeToValue(record, type);
    } catch (JsonProcessingException e) {
      throw new DataFormatException(what + ": the record is not the JSON expected for " + type.getSimpleName() + " ("
          + Peers.echo(e.getOriginalMessage()) + ")", e);
    }
  }

  @Override
  public String create(String sobject, Object record) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    Objects.requireNonNull(record, "record");
    String what = "create " + name;
    JsonNode answer = call("create",
        () -> executor.http(what, false, s -> http.json(s, what, "POST", "/sobjects/" + name, record)));
    if (answer.has("success") && !answer.path("success").asBoolean(false)) {
      throw new InvalidInputException(what + ": Salesforce did not save the record");
    }
    JsonNode id = answer.path("id");
    if (!id.isTextual()) {
      throw new DataFormatException(what + ": the answer names no id");
    }
    String created;
    try {
      created = SalesforceIds.requireId(id.asText());
    } catch (InvalidInputException e) {
      throw new DataFormatException(what + ": the answer's id is not a record id");
    }
    log.debug("created {} {}", name, created);
    return created;
  }

  @Override
  public void update(String sobject, String id, Object fields) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    String recordId = SalesforceIds.requireId(id);
    Objects.requireNonNull(fields, "fields");
    String what = "update " + name + " " + recordId;
    call("update", () -> executor.http(what, true,
        s -> http.json(s, what, "PATCH", "/sobjects/" + name + "/" + recordId, fields)));
  }

  @Override
  public void delete(String sobject, String id) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    String recordId = SalesforceIds.requireId(id);
    String what = "delete " + name + " " + recordId;
    call("delete", () -> executor.http(what, true,
        s -> http.json(s, what, "DELETE", "/sobjects/" + name + "/" + recordId, null)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Salesforce answers 201 for a created record, 204 for an updated one before API version 46.0, and 200 with a
   * {@code created} flag from 46.0 on; all three are read.
   */
  @Override
  public UpsertOutcome upsert(String sobject, String externalIdField, String externalIdValue, Object record) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    String field = SalesforceIds.requireApiName(externalIdField, "externalIdField");
    if (externalIdValue == null || externalIdValue.isEmpty()) {
      throw new InvalidInputException("upsert " + name + ": the external id value is empty");
    }
    Objects.requireNonNull(record, "record");
    String path = "/sobjects/" + name + "/" + field + "/"
        + URLEncoder.encode(externalIdValue, StandardCharsets.UTF_8).replace("+", "%20");
    String what = "upsert " + name + " by " + field;
    return call("upsert", () -> executor.http(what, true, s -> {
      RestHttp.Answer answer = http.exchange(s, what, "PATCH", path, record);
      return switch (answer.status()) {
        case 201 -> UpsertOutcome.CREATED;
        case 204 -> UpsertOutcome.UPDATED;
        case 200 -> answer.json().path("created").asBoolean(false) ? UpsertOutcome.CREATED : UpsertOutcome.UPDATED;
        default -> throw new DataFormatException(what + ": unexpected HTTP " + answer.status());
      };
    }));
  }

  @Override
  public List<RecordResult> createAll(String sobject, List<?> records) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    List<?> checked = requireRecords(records);
    return logged("createAll", "create_all", () -> collections.create(name, checked));
  }

  @Override
  public List<RecordResult> updateAll(String sobject, List<?> records) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    List<?> checked = requireRecords(records);
    return logged("updateAll", "update_all", () -> collections.update(name, checked));
  }

  @Override
  public List<RecordResult> upsertAll(String sobject, String externalIdField, List<?> records) {
    open();
    String name = SalesforceIds.requireApiName(sobject, "sobject");
    String field = SalesforceIds.requireApiName(externalIdField, "externalIdField");
    List<?> checked = requireRecords(records);
    return logged("upsertAll", "upsert_all", () -> collections.upsert(name, field, checked));
  }

  @Override
  public List<RecordResult> deleteAll(List<String> ids) {
    open();
    List<String> checked = List.copyOf(Objects.requireNonNull(ids, "ids"));
    return logged("deleteAll", "delete_all", () -> collections.delete(checked));
  }

  @Override
  public ApiUsage apiUsage() {
    open();
    call("api_usage", () -> executor.http("read API usage", true,
        s -> http.json(s, "read API usage", "GET", "/limits", null)));
    return http.lastUsage().orElseThrow(() -> new DataFormatException(
        "read API usage: Salesforce sent no Sforce-Limit-Info header"));
  }

  @Override
  public String help() {
    open();
    return """
        SalesforceManager: read and write Salesforce data (REST API %s at %s, %s login).

          QueryResult r = sf.query("SELECT Name FROM Contact");    // all pages: r.records(), r.size()
          QueryResult all = sf.queryAll("SELECT Id FROM Contact"); // deleted and archived too
          List<Contact> cs = sf.query("SELECT Id, Name FROM Contact", Contact.class);
          try (Stream<Map<String, Object>> s = sf.stream("SELECT Id FROM Account")) { ... }  // lazy, page by page
          try (Stream<Map<String, String>> rows = sf.bulkQuery("SELECT Id, Name FROM Account")) { ... }  // Bulk API 2.0
          BulkIngestReport r = sf.bulkIngest("Account", BulkOperation.UPSERT, "Ext_Id__c", records.stream());  // any size
          sf.describeGlobal();  sf.describe("Account");
          String id = sf.create("Account", Map.of("Name", "Acme"));
          sf.get("Account", id);  sf.update("Account", id, Map.of("Phone", "123"));  sf.delete("Account", id);
          sf.upsert("Account", "Ext_Id__c", "A-42", Map.of("Name", "Acme"));   // CREATED or UPDATED
          sf.createAll("Contact", records);  sf.updateAll(...);  sf.upsertAll(...);  sf.deleteAll(ids);  // 200 per call
          sf.apiUsage();   // api-usage=used/limit from Sforce-Limit-Info

        Errors: InvalidInputException (malformed SOQL, unknown field), NotFoundException, AccessDeniedException,
        RateLimitedException (REQUEST_LIMIT_EXCEEDED, with the usage), AuthenticationException (bad login),
        ServiceUnavailableException (after bounded retries). An expired session is renewed once automatically.
        """.formatted(config.apiVersion(), config.loginUrl(), config.jwtBearer() ? "JWT bearer" : "username-password");
  }

  /**
   * Closes this manager. Idempotent; afterwards every method but {@link #config()} and {@link #toBuilder()} throws
   * {@link ClosedException}.
   */
  @Override
  public void close() {
    guard.close();
  }

  @Override
  public String toString() {
    return "SalesforceManager[" + config + "]";
  }

  /** Logs in once, so a wrong credential fails the build; afterwards the executor renews the session itself. */
  void logIn() {
    executor.login();
  }

  private void open() {
    guard.check();
  }

  private String requireSoql(String soql) {
    if (soql == null || soql.isBlank()) {
      throw new InvalidInputException("the SOQL query is empty");
    }
    return soql;
  }

  private static List<?> requireRecords(List<?> records) {
    Objects.requireNonNull(records, "records");
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i) == null) {
        throw new InvalidInputException("record " + i + " is null");
      }
    }
    return records;
  }

  private List<RecordResult> logged(String what, String operation, Supplier<List<RecordResult>> write) {
    List<RecordResult> results = call(operation, write);
    records(operation, results.stream().filter(RecordResult::success).count());
    log.info("{}: {}", what, SObjectCollections.summary(results));
    return results;
  }

  private <T extends @Nullable Object> T call(String operation, Supplier<T> call) {
    return metrics.call("salesforce", operation, call);
  }

  private void records(String operation, long records) {
    metrics.count(Meter.CLIENT_RECORDS, records, "service", "salesforce", "operation", operation);
  }

  /** Counts the records a stream handed out, recorded when the stream is closed. */
  private <T> Stream<T> counted(String operation, Stream<T> records) {
    if (metrics == Recorder.NONE) {
      return records;
    }
    LongAdder handedOut = new LongAdder();
    return records.peek(r -> handedOut.increment()).onClose(() -> records(operation, handedOut.sum()));
  }

}
