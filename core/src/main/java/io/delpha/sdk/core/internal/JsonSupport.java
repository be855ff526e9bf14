package io.delpha.sdk.core.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The library's one JSON mapper, configured once: {@code java.time} as ISO-8601 text, unknown properties
 * ignored when reading into records (documents written by a later version stay readable). Thread-safe;
 * never reconfigure it: derive an {@link com.fasterxml.jackson.databind.ObjectWriter} or, where a
 * component needs a different inclusion rule, a {@link ObjectMapper#copy()} of it.
 */
public final class JsonSupport {

  /** The mapper. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .build();

  private JsonSupport() {}
}
