package io.delpha.sdk.core.internal.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.delpha.sdk.core.ResponseLimitException;
import io.delpha.sdk.core.ResponseLimits;
import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A parser that counts what a JSON text expands to, whatever its bytes: at most {@link ResponseLimits#maxItems()}
 * items in each container (elements of an array, fields of an object) and {@link ResponseLimits#maxTokens()} tokens
 * in all (since the start, or since the last {@link #startRecord()} for a page read record by record). The counting
 * happens as each token is read, so a breach stops the read before what it would build exists. Every way of
 * advancing the parser goes through {@link #nextToken()}, {@code skipChildren()} included, so nothing is skipped
 * uncounted. A breach is a {@link JsonProcessingException} whose cause is the {@link ResponseLimitException}: {@link
 * BoundedBody#limitOf} finds it under whatever a data binder wraps it in.
 */
final class CountingParser extends JsonParserDelegate {

  private final String what;
  private final ResponseLimits limits;
  private int[] items = new int[16];
  private boolean[] array = new boolean[16];
  private int depth;
  private long tokens;

  CountingParser(JsonParser parser, String what, ResponseLimits limits) {
    super(parser);
    this.what = what;
    this.limits = limits;
  }

  /** Starts the token count again: the next record of a page is counted on its own. */
  void startRecord() {
    tokens = 0;
  }

  @Override
  public @Nullable JsonToken nextToken() throws IOException {
    JsonToken t = delegate.nextToken();
    if (t == null) {
      return null;
    }
    if (++tokens > limits.maxTokens()) {
      throw breach("maxTokens", what + ": the JSON answer expands to more than " + limits.maxTokens()
          + " tokens (ResponseLimits.maxTokens); reading stopped there and nothing of it was used");
    }
    switch (t) {
      case START_OBJECT, START_ARRAY -> {
        countItem(false);
        if (++depth == items.length) {
          items = Arrays.copyOf(items, depth * 2);
          array = Arrays.copyOf(array, depth * 2);
        }
        items[depth] = 0;
        array[depth] = t == JsonToken.START_ARRAY;
      }
      case END_OBJECT, END_ARRAY -> depth = Math.max(0, depth - 1);
      case FIELD_NAME -> countItem(true);
      default -> countItem(false);
    }
    return t;
  }

  private void countItem(boolean field) throws JsonProcessingException {
    if (depth > 0 && (field || array[depth]) && ++items[depth] > limits.maxItems()) {
      throw breach("maxItems", what + ": a JSON " + (field ? "object has more than " + limits.maxItems() + " fields"
          : "array has more than " + limits.maxItems() + " elements") + " (ResponseLimits.maxItems); reading "
          + "stopped there and nothing of it was used");
    }
  }

  @Override
  public @Nullable JsonToken nextValue() throws IOException {
    JsonToken t = nextToken();
    return t == JsonToken.FIELD_NAME ? nextToken() : t;
  }

  @Override
  public JsonParser skipChildren() throws IOException {
    JsonToken current = currentToken();
    if (current != JsonToken.START_OBJECT && current != JsonToken.START_ARRAY) {
      return this;
    }
    int open = 1;
    while (open > 0) {
      JsonToken t = nextToken();
      if (t == null) {
        return this;
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        open++;
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        open--;
      }
    }
    return this;
  }

  private JsonProcessingException breach(String limit, String message) {
    return new Breach(new ResponseLimitException(limit, message, null), this);
  }

  /** A limit broken while parsing, carried through the parser's and a data binder's I/O exceptions. */
  static final class Breach extends JsonProcessingException {
    private static final long serialVersionUID = 1L;

    Breach(ResponseLimitException limit, JsonParser parser) {
      super(limit.getMessage(), parser.currentLocation(), limit);
    }
  }
}
