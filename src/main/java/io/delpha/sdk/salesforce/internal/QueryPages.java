package io.delpha.sdk.salesforce.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.ResponseLimits;
import io.delpha.sdk.core.internal.http.BoundedBody;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of a SOQL query, page by page through the REST API ({@code GET /query/?q=} or {@code /queryAll/?q=}
 * for the first page, {@code GET nextRecordsUrl} after). A page is fetched only when the previous one is used up,
 * and read whole under the {@link ResponseLimits} ({@code maxBodyBytes}, depth, strings, deadlines) as bytes; its
 * records are then mapped one at a time as the caller reaches them, so memory holds one page's bytes and one
 * record whatever the result size.
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
  private @Nullable JsonParser records;
  private @Nullable T pending;
  private boolean started;
  private @Nullable String nextRecordsUrl;
  private int totalSize = -1;
  private int pages;
  private String pageWhat = "query";

  /**
   * @param executor runs the calls
   * @param http the REST side, whose limits bound each page
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
  }

  /**
   * @return a sequential, lazy stream over every record
   */
  public Stream<T> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /**
   * @return the query's {@code totalSize}, fetching the first page if needed
   */
  public int totalSize() {
    if (!started) {
      fetch();
    }
    return totalSize;
  }

  @Override
  public boolean hasNext() {
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
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more records");
    }
    T record = java.util.Objects.requireNonNull(pending, "hasNext() found a record");
    pending = null;
    return record;
  }

  private void fetch() {
    String path;
    if (!started) {
      pageWhat = includeDeleted ? "queryAll" : "query";
      path = "/" + pageWhat + "/?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
    } else {
      pageWhat = "query next page";
      path = SalesforceUrls.requireApiPath(String.valueOf(nextRecordsUrl), http.apiRoot(), pageWhat);
    }
    String what = pageWhat;
    byte[] page = executor.http(what, true, s -> http.jsonBytes(s, what, path));
    Head head = head(page);
    if (!started) {
      totalSize = head.totalSize;
      started = true;
    }
    pages++;
    nextRecordsUrl = head.done ? null : head.nextRecordsUrl;
    if (!head.done && nextRecordsUrl == null) {
      throw new DataFormatException(what + ": the page says it is not the last one but has no nextRecordsUrl");
    }
    records = head.hasRecords ? recordsOf(page) : null;
    log.debug("query page {} read ({} bytes, more: {})", pages, page.length, nextRecordsUrl != null);
  }

  private record Head(int totalSize, boolean done, @Nullable String nextRecordsUrl, boolean hasRecords) {}

  /** Reads a page's {@code totalSize}, {@code done} and {@code nextRecordsUrl}, checking all of it is JSON. */
  private Head head(byte[] page) {
    ResponseLimits limits = http.limits();
    int total = 0;
    boolean done = true;
    String next = null;
    boolean hasRecords = false;
    try (JsonParser p = BoundedBody.factory(limits).createParser(page)) {
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
            hasRecords = value == JsonToken.START_ARRAY;
            p.skipChildren();
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new DataFormatException(pageWhat + ": Salesforce's answer has text after the query page");
      }
    } catch (StreamConstraintsException e) {
      throw BoundedBody.constraintBroken(pageWhat, limits, e);
    } catch (JsonProcessingException e) {
      throw new DataFormatException(pageWhat + ": Salesforce's answer is not JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new DataFormatException(pageWhat + ": Salesforce's answer could not be read (" + e.getMessage() + ")", e);
    }
    return new Head(total, done, next, hasRecords);
  }

  /** @return a parser positioned inside the page's {@code records} array */
  private JsonParser recordsOf(byte[] page) {
    try {
      JsonParser p = BoundedBody.factory(http.limits()).createParser(page);
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
      throw new DataFormatException(pageWhat + ": Salesforce's answer could not be read (" + e.getMessage() + ")", e);
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
      return mapper.readValue(p, type);
    } catch (JsonProcessingException e) {
      records = null;
      throw new DataFormatException(pageWhat + ": a record of page " + pages + " is not the JSON expected for "
          + type.getSimpleName() + " (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      records = null;
      throw new DataFormatException(pageWhat + ": Salesforce's answer could not be read (" + e.getMessage() + ")", e);
    }
  }
}
