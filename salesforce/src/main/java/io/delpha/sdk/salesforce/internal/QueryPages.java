package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.BoundedBody;
import io.delpha.sdk.core.internal.http.PageBudget;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of a SOQL query, page by page through the REST API ({@code GET /query/?q=} or {@code /queryAll/?q=}
 * for the first page, {@code GET nextRecordsUrl} after). A page is fetched only when the previous one is used up,
 * and read whole under the {@link ResponseLimits} ({@code maxBodyBytes}, depth, strings, deadlines, rate) as bytes;
 * its records are then mapped one at a time as the caller reaches them, so memory holds one page's bytes and one
 * record whatever the result size.
 *
 * <p>Every page is checked whole in one streaming pass before any of its records is mapped: at most {@code
 * maxItems} records, each record at most {@code maxItems} fields in any of its objects and arrays and at most {@code
 * maxTokens} tokens, nothing built while checking. The read is one {@link PageBudget}: at most {@code maxPages}
 * pages and {@code maxRequests} requests (retries and a repeat after a new login included), every {@code
 * nextRecordsUrl} one the read was not given before, at most {@code maxEmptyPages} pages in a row without records. A
 * breach is a {@link ResponseLimitException}; once the read has failed, every later call throws that failure again,
 * so a caller that goes on never takes what it got for the whole result.
 *
 * <p>A {@code nextRecordsUrl} is followed only when it is a plain path under {@code /services/data/<version>/}
 * ({@link SalesforceUrls#requireApiPath}); anything else is a {@link DataFormatException} and nothing is sent.
 *
 * @param <T> the record type
 */
public final class QueryPages<T> implements Iterator<T> {

  private static final Logger log = LoggerFactory.getLogger(QueryPages.class);

  private final RequestExecutor executor;
  private final RestHttp http;
  private final ObjectMapper mapper;
  private final String soql;
  private final Class<T> type;
  private final boolean includeDeleted;
  private final PageBudget budget;
  private @Nullable JsonParser records;
  private @Nullable T pending;
  private boolean started;
  private @Nullable String nextRecordsUrl;
  private int totalSize = -1;
  private int pages;
  private String pageWhat;
  private @Nullable RuntimeException broken;

  /**
   * @param executor runs the calls
   * @param http the REST side, whose limits bound each page and the read
   * @param mapper maps records to {@code type}
   * @param soql the query
   * @param type the record type (a class for Jackson, or {@code Map.class})
   * @param includeDeleted {@code queryAll}: include deleted and archived records
   */
  public QueryPages(RequestExecutor executor, RestHttp http, ObjectMapper mapper, String soql, Class<T> type,
      boolean includeDeleted) {
    this.executor = executor;
    this.http = http;
    this.mapper = mapper;
    this.soql = soql;
    this.type = type;
    this.includeDeleted = includeDeleted;
    this.pageWhat = includeDeleted ? "queryAll" : "query";
    this.budget = PageBudget.of(pageWhat, http.limits());
  }

  /**
   * @return a sequential, lazy stream over every record; it throws where the read fails, and never ends early
   */
  public Stream<T> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /**
   * @return the query's {@code totalSize}, fetching the first page if needed
   * @throws ResponseLimitException if that page breaks a limit
   * @throws DataFormatException if it is not a query page
   */
  public int totalSize() {
    if (!started) {
      guarded(() -> {
        fetch();
        return true;
      });
    }
    return totalSize;
  }

  /**
   * @throws ResponseLimitException if a page, a record or the read breaks a limit (and again at every later call)
   * @throws DataFormatException if a page is not a query page or names a next page it may not
   */
  @Override
  public boolean hasNext() {
    return guarded(() -> {
      while (pending == null) {
        if (records != null) {
          pending = nextRecord();
          if (pending != null) {
            return true;
          }
        }
        if (started && nextRecordsUrl == null) {
          return false;
        }
        fetch();
      }
      return true;
    });
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more records");
    }
    T record = Objects.requireNonNull(pending, "hasNext() found a record");
    pending = null;
    return record;
  }

  /** Runs a step of the read; a failure is kept, and thrown again by every later step. */
  private boolean guarded(BooleanSupplier step) {
    RuntimeException failed = broken;
    if (failed != null) {
      throw failed;
    }
    try {
      return step.getAsBoolean();
    } catch (RuntimeException e) {
      broken = e;
      records = null;
      pending = null;
      throw e;
    }
  }

  private void fetch() {
    String path;
    if (!started) {
      path = "/" + pageWhat + "/?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
    } else {
      pageWhat = "query next page";
      path = SalesforceUrls.requireApiPath(String.valueOf(nextRecordsUrl), http.apiRoot(), pageWhat);
    }
    String what = pageWhat;
    byte[] page = executor.http(what, true, s -> {
      budget.request();
      return http.jsonBytes(s, what, path);
    });
    pages++;
    Head head = head(page);
    if (!started) {
      totalSize = head.totalSize;
      started = true;
    }
    String next = head.done ? null : head.nextRecordsUrl;
    if (!head.done && (next == null || next.isEmpty())) {
      throw new DataFormatException(what + ": the page says it is not the last one but has no nextRecordsUrl");
    }
    nextRecordsUrl = budget.page(next, head.records);
    records = head.records > 0 ? recordsOf(page) : null;
    log.debug("query page {} read ({} bytes, {} records, more: {})", pages, page.length, head.records,
        nextRecordsUrl != null);
  }

  private record Head(int totalSize, boolean done, @Nullable String nextRecordsUrl, int records) {}

  /**
   * Reads a page's {@code totalSize}, {@code done} and {@code nextRecordsUrl}, and checks all of it is JSON within the
   * limits, its records counted (the first {@code records} array, the one {@link #recordsOf} reads) each under its
   * own token count, without building anything.
   */
  private Head head(byte[] page) {
    ResponseLimits limits = http.limits();
    int total = 0;
    boolean done = true;
    String next = null;
    int count = 0;
    boolean counted = false;
    try (JsonParser p = BoundedBody.parser(page, pageWhat, limits)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DataFormatException(pageWhat + ": Salesforce's answer is not a query page (a JSON object)");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "totalSize" -> total = p.getValueAsInt(0);
          case "done" -> done = value != JsonToken.VALUE_FALSE;
          case "nextRecordsUrl" -> next = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
          case "records" -> {
            if (value == JsonToken.START_ARRAY && !counted) {
              count = countRecords(p);
              counted = true;
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new DataFormatException(pageWhat + ": Salesforce's answer has text after the query page");
      }
    } catch (IOException e) {
      throw BoundedBody.jsonFailure(pageWhat, limits, e, "Salesforce's answer is not JSON");
    }
    return new Head(total, done, next, count);
  }

  /** Counts the records of a {@code records} array, the parser on its start; each is an object. */
  private int countRecords(JsonParser p) throws IOException {
    int count = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      BoundedBody.startRecord(p);
      p.skipChildren(); // first, so a page that breaks a limit is reported as the breach it is
      if (t != JsonToken.START_OBJECT) {
        throw new DataFormatException(pageWhat + ": page " + pages + " lists a record that is not a JSON object");
      }
      count++;
    }
    BoundedBody.startRecord(p); // the page's own fields after the records are counted on their own
    return count;
  }

  /** @return a parser positioned inside the page's {@code records} array */
  private JsonParser recordsOf(byte[] page) {
    ResponseLimits limits = http.limits();
    try {
      JsonParser p = BoundedBody.parser(page, pageWhat, limits);
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("records") && value == JsonToken.START_ARRAY) {
          return p;
        }
        p.skipChildren();
      }
      throw new DataFormatException(pageWhat + ": the page's records array went missing");
    } catch (IOException e) {
      throw BoundedBody.jsonFailure(pageWhat, limits, e, "Salesforce's answer is not JSON");
    }
  }

  private @Nullable T nextRecord() {
    JsonParser p = records;
    try {
      JsonToken token = p == null ? JsonToken.END_ARRAY : p.nextToken();
      if (token == JsonToken.END_ARRAY) {
        records = null;
        return null;
      }
      if (token != JsonToken.START_OBJECT) {
        throw new DataFormatException(pageWhat + ": page " + pages + " lists a record that is not a JSON object");
      }
      BoundedBody.startRecord(Objects.requireNonNull(p, "a page is open"));
      return mapper.readValue(p, type);
    } catch (IOException e) {
      records = null;
      throw BoundedBody.jsonFailure(pageWhat, http.limits(), e, "a record of page " + pages
          + " is not the JSON expected for " + type.getSimpleName());
    }
  }
}
