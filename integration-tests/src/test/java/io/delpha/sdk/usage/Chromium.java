package io.delpha.sdk.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium from the OS packages, driven through the DevTools protocol over the JDK's own WebSocket client
 * (no driver, no browser library). Launched with an empty profile and everything that phones home turned off.
 * One page; {@link #navigate} and {@link #eval} are all the tests need.
 */
final class Chromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final String session;

  /** @return the browser binary: -Ddelpha.chromium, else chromium / chromium-browser / google-chrome on the PATH */
  static Path binary() {
    String configured = System.getProperty("delpha.chromium", System.getenv("CHROMIUM"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new IllegalStateException("no Chromium found: install it (apt-get install -y chromium) or set "
        + "-Ddelpha.chromium=/path/to/chromium");
  }

  Chromium() throws Exception {
    profile = Files.createTempDirectory("chromium-profile");
    process = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank").redirectErrorStream(true).start();
    process.getOutputStream().close();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ws = null;
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ws == null && System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) {
        break;
      }
      seen.append(line).append('\n');
      Matcher m = DEVTOOLS.matcher(line);
      if (m.find()) {
        ws = m.group(1);
      }
    }
    if (ws == null) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium did not open its DevTools port:\n" + seen);
    }
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // keep the pipe empty
        }
      } catch (IOException e) {
        // the browser went away
      }
    }, "chromium-output");
    drain.setDaemon(true);
    drain.start();
    socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(ws), new Listener())
        .get(30, TimeUnit.SECONDS);
    String target = send(null, "Target.createTarget", JSON.createObjectNode().put("url", "about:blank"))
        .get("targetId").asText();
    session = send(null, "Target.attachToTarget", JSON.createObjectNode().put("targetId", target).put("flatten", true))
        .get("sessionId").asText();
  }

  /** Loads a URL and waits until the document is complete. */
  void navigate(String url) throws Exception {
    send(session, "Page.navigate", JSON.createObjectNode().put("url", url));
    await("document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(url),
        Duration.ofSeconds(30));
  }

  /** @return the value of a JavaScript expression in the page (awaited if it is a promise) */
  JsonNode eval(String expression) throws Exception {
    JsonNode r = send(session, "Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("the page threw: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Waits until a JavaScript expression is true. */
  void await(String condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!eval("!!(" + condition + ")").asBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + condition);
      }
      Thread.sleep(50);
    }
  }

  private JsonNode send(String sessionId, String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    if (sessionId != null) {
      msg.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
    JsonNode r = answer.get(60, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.path("result");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          JsonNode msg = JSON.readTree(text.toString());
          if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) {
              f.complete(msg);
            }
          }
        } catch (IOException e) {
          pending.values().forEach(f -> f.completeExceptionally(e));
        }
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      // the browser's helpers (zygote, renderers, network service) write to the profile too: end them all first
      List<ProcessHandle> helpers = process.descendants().toList();
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      for (ProcessHandle helper : helpers) {
        helper.destroy();
        try {
          helper.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          helper.destroyForcibly();
          helper.onExit().get(10, TimeUnit.SECONDS);
        }
      }
      deleteProfile();
    }
  }

  /** Deletes the profile folder; a file the browser removed meanwhile is not an error. */
  private void deleteProfile() throws IOException {
    Files.walkFileTree(profile, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs)
          throws IOException {
        Files.deleteIfExists(file);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof java.nio.file.NoSuchFileException) {
          return java.nio.file.FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
  }
}
