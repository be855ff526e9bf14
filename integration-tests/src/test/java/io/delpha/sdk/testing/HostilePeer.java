package io.delpha.sdk.testing;

import io.delpha.sdk.core.ResponseLimitException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * A remote peer on loopback that misbehaves on purpose, written at the wire level (a raw {@link ServerSocket}, HTTP/1.1,
 * one request per connection) so that it can do what no well-behaved server library lets it: redirect anywhere, lie
 * about sizes, answer forever, trickle a byte at a time. It records every request it receives, headers and body, so a
 * test can assert what reached it (a credential that must never arrive, say).
 *
 * <pre>{@code
 * try (HostilePeer salesforce = HostilePeer.start(); HostilePeer thief = HostilePeer.start()) {
 *   salesforce.on("POST", "/services/data/v60.0/jobs/query", HostilePeer.redirect(307, thief.uri("/steal")));
 *   ...
 *   assertThat(thief.requests()).isEmpty();
 * }
 * }</pre>
 */
public final class HostilePeer implements AutoCloseable {

  /** One request as received. */
  public record Request(String method, String target, Map<String, String> headers, byte[] body) {
    /**
     * @param name a header name, any case
     * @return its value, or {@code null}
     */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** @return the body as UTF-8 */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Writes the whole answer (status line, headers, body) to the raw connection. */
  @FunctionalInterface
  public interface Answer {
    /**
     * @param request what was asked
     * @param out the connection; closed after this returns
     * @throws IOException when the client goes away (expected for endless answers)
     */
    void write(Request request, OutputStream out) throws IOException;
  }

  private final ServerSocket socket;
  private final String scheme;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hostile-peer");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Answer> routes = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong bytesSent = new AtomicLong();
  private volatile boolean closed;
  /** Counted down by {@link #close()}: answers that hold a connection wait on it, not on a clock. */
  private final CountDownLatch closing = new CountDownLatch(1);

  private HostilePeer(ServerSocket socket, String scheme) {
    this.socket = socket;
    this.scheme = scheme;
    pool.execute(this::acceptLoop);
  }

  /** @return a peer listening on a free loopback port */
  public static HostilePeer start() {
    try {
      return new HostilePeer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), "http");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param address the address to listen on: a non-loopback address of this machine, to be the host a name resolves
   *     to in a child JVM's hosts file ({@code -Djdk.net.hosts.file}), as a peer's DNS would answer
   * @return a peer listening on a free port of that address
   */
  public static HostilePeer startOn(InetAddress address) {
    try {
      return new HostilePeer(new ServerSocket(0, 50, address), "http");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A peer speaking HTTPS, for clients that refuse plain HTTP (Azure Key Vault and Entra): a request is recorded
   * only once the TLS handshake succeeded, so a client that does not trust the peer reaches nothing.
   *
   * @param tls the server's TLS context, e.g. {@link TlsMaterial#serverContext()} (a certificate for IP 127.0.0.1)
   * @return a peer listening on a free loopback port, its {@link #uri} {@code https}
   */
  public static HostilePeer startHttps(SSLContext tls) {
    try {
      return new HostilePeer(tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()),
          "https");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the port */
  public int port() {
    return socket.getLocalPort();
  }

  /**
   * @param path a path starting with {@code /}, with its query if any
   * @return {@code http://127.0.0.1:<port><path>} ({@code https} for a peer from {@link #startHttps})
   */
  public URI uri(String path) {
    return URI.create(scheme + "://127.0.0.1:" + port() + path);
  }

  /**
   * Answers requests whose method matches and whose target starts with {@code prefix}; the longest prefix wins.
   * Unrouted requests get a 404 with an empty JSON body.
   *
   * @param method the method, or {@code "*"}
   * @param prefix the start of the request target
   * @param answer the answer
   * @return this peer
   */
  public HostilePeer on(String method, String prefix, Answer answer) {
    routes.put(method + " " + prefix, answer);
    return this;
  }

  /** @return every request received so far, in order */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** @return the body bytes written by answers so far (endless answers count what they managed to send) */
  public long bytesSent() {
    return bytesSent.get();
  }

  /**
   * @param status the status
   * @param contentType the content type
   * @param body the body, sent with its true {@code Content-Length}
   * @return the answer
   */
  public static Answer body(int status, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return (request, out) -> {
      head(out, status, Map.of("Content-Type", contentType, "Content-Length", String.valueOf(bytes.length)));
      out.write(bytes);
    };
  }

  /**
   * @param status the status
   * @param json the JSON body
   * @return the answer
   */
  public static Answer json(int status, String json) {
    return body(status, "application/json", json);
  }

  /**
   * @param status 301, 302, 303, 307 or 308
   * @param location the raw {@code Location} value (any text, hostile ones included)
   * @return the answer
   */
  public static Answer redirect(int status, String location) {
    return (request, out) -> head(out, status, Map.of("Location", location, "Content-Length", "0"));
  }

  /**
   * An answer that never ends: {@code prefix}, then {@code repeat} over and over, chunked, until the client goes
   * away.
   *
   * @param status the status
   * @param contentType the content type
   * @param prefix the start of the body
   * @param repeat what is sent again and again
   * @param headers extra headers
   * @return the answer
   */
  public Answer endless(int status, String contentType, String prefix, String repeat, Map<String, String> headers) {
    byte[] first = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] again = repeat.getBytes(StandardCharsets.UTF_8);
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Type", contentType);
      h.put("Transfer-Encoding", "chunked");
      head(out, status, h);
      if (first.length > 0) {
        chunk(out, first); // an empty chunk would end the body
      }
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      while (batch.size() < 64 * 1024) {
        batch.write(again);
      }
      byte[] many = batch.toByteArray();
      while (!closed) {
        chunk(out, many);
      }
    };
  }

  /** How a padded answer's bytes go on the wire. */
  public enum Wire {
    /** as they are */
    PLAIN,
    /** gzip-compressed ({@code Content-Encoding: gzip}): the padding costs the peer a few bytes a megabyte */
    GZIP,
    /** gzip, the start compressed, then empty deflate blocks forever: wire bytes that decode to nothing */
    EMPTY_GZIP_BLOCKS
  }

  /**
   * An answer that delivers nothing, forever: {@code start} (a valid beginning: a CSV header, the first lines of an
   * NDJSON answer, an open JSON document), then {@code padding} over and over (blank lines, whitespace), chunked,
   * as {@code wire} says, every {@code gap} (zero: as fast as the client reads), until the client goes away.
   *
   * @param status the status
   * @param contentType the content type
   * @param start the start of the body
   * @param padding what is sent again and again (ignored for {@link Wire#EMPTY_GZIP_BLOCKS})
   * @param wire how the bytes go on the wire
   * @param gap the pause between two batches of padding
   * @param headers extra headers
   * @return the answer
   */
  public Answer padded(int status, String contentType, String start, String padding, Wire wire, Duration gap,
      Map<String, String> headers) {
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Type", contentType);
      h.put("Transfer-Encoding", "chunked");
      if (wire != Wire.PLAIN) {
        h.put("Content-Encoding", "gzip");
      }
      head(out, status, h);
      byte[] batch = batchOf(padding, gap.isZero() ? 64 * 1024 : Math.max(1, padding.length()));
      if (wire == Wire.PLAIN) {
        if (!start.isEmpty()) {
          chunk(out, start.getBytes(StandardCharsets.UTF_8));
        }
        while (!closed) {
          chunk(out, batch);
          pause(gap);
        }
        return;
      }
      java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      chunk(out, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}); // the gzip header
      chunk(out, deflate(deflater, crc, start.getBytes(StandardCharsets.UTF_8)));
      // an empty stored block that is not the last: 5 bytes on the wire, nothing decoded
      byte[] empty = new byte[5 * 4096];
      for (int i = 0; i < empty.length; i += 5) {
        empty[i + 3] = (byte) 0xff;
        empty[i + 4] = (byte) 0xff;
      }
      while (!closed) {
        chunk(out, wire == Wire.GZIP ? deflate(deflater, crc, batch) : empty);
        pause(gap);
      }
    };
  }

  private static byte[] batchOf(String padding, int atLeast) {
    byte[] one = padding.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    do {
      b.write(one, 0, one.length);
    } while (b.size() < atLeast && one.length > 0);
    return b.toByteArray();
  }

  /** Deflates {@code data}, flushed to a byte boundary, so what follows may be appended (never empty). */
  private static byte[] deflate(java.util.zip.Deflater deflater, java.util.zip.CRC32 crc, byte[] data) {
    crc.update(data);
    deflater.setInput(data);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = deflater.deflate(buffer, 0, buffer.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0) {
      b.write(buffer, 0, n);
      if (n < buffer.length) {
        break;
      }
    }
    return b.toByteArray();
  }

  /**
   * @param body a body
   * @return it gzip-compressed, whole
   */
  public static byte[] gzip(byte[] body) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
      z.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /**
   * An honest answer that is slow: {@code parts} sent one after the other with {@code gap} between them, each a
   * chunk, compressed ({@code Content-Encoding: gzip}, flushed after each part) when {@code gzip}; the body is
   * {@code String.join("", parts)}.
   *
   * @param status the status
   * @param contentType the content type
   * @param parts the parts of the body
   * @param gzip whether it goes gzip-compressed
   * @param gap the pause between two parts
   * @param headers extra headers
   * @return the answer
   */
  public Answer slow(int status, String contentType, List<String> parts, boolean gzip, Duration gap,
      Map<String, String> headers) {
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Type", contentType);
      h.put("Transfer-Encoding", "chunked");
      if (gzip) {
        h.put("Content-Encoding", "gzip");
      }
      head(out, status, h);
      java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      long length = 0;
      if (gzip) {
        chunk(out, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
      }
      for (String part : parts) {
        if (closed) {
          return;
        }
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        length += bytes.length;
        byte[] sent = gzip ? deflate(deflater, crc, bytes) : bytes;
        if (sent.length > 0) {
          chunk(out, sent);
        }
        pause(gap);
      }
      if (gzip) {
        deflater.finish();
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (!deflater.finished()) {
          tail.write(buffer, 0, deflater.deflate(buffer));
        }
        long c = crc.getValue();
        for (long v : new long[] {c, length}) {
          for (int i = 0; i < 4; i++) {
            tail.write((int) (v >>> (8 * i)) & 0xff);
          }
        }
        chunk(out, tail.toByteArray());
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    };
  }

  /**
   * An answer whose body comes one byte every {@code gap}, forever or until {@code body} is sent.
   *
   * @param status the status
   * @param contentType the content type
   * @param body the body, its true length declared
   * @param gap the pause between two bytes
   * @return the answer
   */
  public Answer trickle(int status, String contentType, String body, Duration gap) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return (request, out) -> {
      head(out, status, Map.of("Content-Type", contentType, "Content-Length", String.valueOf(bytes.length)));
      for (byte b : bytes) {
        if (closed) {
          return;
        }
        out.write(b);
        out.flush();
        bytesSent.incrementAndGet();
        pause(gap);
      }
    };
  }

  /**
   * An answer that declares one length and sends {@code actual} bytes of filler (close-delimited when {@code
   * declared} is negative).
   *
   * @param status the status
   * @param contentType the content type
   * @param declared the {@code Content-Length} sent, or negative for none
   * @param actual the bytes actually sent
   * @return the answer
   */
  public Answer sized(int status, String contentType, long declared, long actual) {
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Content-Type", contentType);
      if (declared >= 0) {
        h.put("Content-Length", String.valueOf(declared));
      } else {
        h.put("Connection", "close");
      }
      head(out, status, h);
      byte[] block = new byte[64 * 1024];
      long left = actual;
      while (left > 0 && !closed) {
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        bytesSent.addAndGet(n);
        left -= n;
      }
    };
  }

  /**
   * Writes a status line and headers.
   *
   * @param out the connection
   * @param status the status
   * @param headers the headers
   * @throws IOException if the client went away
   */
  public static void head(OutputStream out, int status, Map<String, String> headers) throws IOException {
    StringBuilder b = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
    headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
    if (!headers.containsKey("Connection")) {
      b.append("Connection: close\r\n");
    }
    b.append("\r\n");
    out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private void chunk(OutputStream out, byte[] data) throws IOException {
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    bytesSent.addAndGet(data.length);
  }

  /** Waits {@code gap}, or less if the peer closes first. */
  private void pause(Duration gap) {
    try {
      closing.await(gap.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** @return an answer that never comes: the request is read, then nothing is sent until the peer closes */
  public Answer silent() {
    return (request, out) -> pause(Duration.ofMinutes(10));
  }

  /**
   * An answer that stops mid-body: the status line, headers declaring {@code declaredLength} bytes, the first bytes
   * of the body, then nothing until the peer closes.
   *
   * @param status the status
   * @param headers the headers but {@code Content-Length}
   * @param start the bytes sent of the body
   * @param declaredLength the body's declared length, more than {@code start} holds
   * @return the answer
   */
  public Answer stall(int status, Map<String, String> headers, String start, int declaredLength) {
    return (request, out) -> {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Length", String.valueOf(declaredLength));
      head(out, status, h);
      out.write(start.getBytes(StandardCharsets.UTF_8));
      out.flush();
      pause(Duration.ofMinutes(10));
    };
  }

  /**
   * @param e what a client threw
   * @return the {@link ResponseLimitException} among its causes
   * @throws AssertionError if there is none
   */
  public static ResponseLimitException limitIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ResponseLimitException l) {
        return l;
      }
    }
    throw new AssertionError("no ResponseLimitException in " + e, e);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        if (!closed) {
          pause(Duration.ofMillis(10));
        }
      }
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
      String requestLine = line(in);
      if (requestLine == null || requestLine.isEmpty()) {
        return;
      }
      String[] parts = requestLine.split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      String h;
      while ((h = line(in)) != null && !h.isEmpty()) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
      }
      byte[] body = new byte[0];
      String length = headers.get("content-length");
      if (length != null) {
        body = in.readNBytes(Integer.parseInt(length));
      }
      Request request = new Request(parts[0], parts.length > 1 ? parts[1] : "/", Map.copyOf(headers), body);
      requests.add(request);
      Answer answer = route(request);
      answer.write(request, out);
      out.flush();
    } catch (IOException | RuntimeException e) {
      // the client went away: expected of the endless answers
    }
  }

  private Answer route(Request request) {
    Answer best = null;
    int bestLength = -1;
    synchronized (routes) {
      for (Map.Entry<String, Answer> e : routes.entrySet()) {
        int space = e.getKey().indexOf(' ');
        String method = e.getKey().substring(0, space);
        String prefix = e.getKey().substring(space + 1);
        if ((method.equals("*") || method.equalsIgnoreCase(request.method())) && request.target().startsWith(prefix)
            && prefix.length() > bestLength) {
          best = e.getValue();
          bestLength = prefix.length();
        }
      }
    }
    return best != null ? best : json(404, "{}");
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
      if (b.size() > 64 * 1024) {
        throw new IOException("request line or header too long");
      }
    }
    return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    closed = true;
    closing.countDown();
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
    pool.shutdownNow();
  }

  /** @return a list of the requests' targets, for messages */
  public List<String> targets() {
    List<String> t = new ArrayList<>();
    for (Request r : requests) {
      t.add(r.method() + " " + r.target());
    }
    return t;
  }
}
