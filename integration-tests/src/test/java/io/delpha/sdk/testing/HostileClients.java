package io.delpha.sdk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile HTTP clients on the wire, for the servers' tests and benchmark: slow headers (a request's line and headers a
 * byte at a time), slow bodies (complete headers, then a body a byte at a time), and credential floods (wrong
 * credentials back to back). Each comes from a loopback source address of its own ({@code 127.0.0.x}: on Linux the
 * whole 127/8 is loopback), so the server sees attackers and a legitimate client (on 127.0.0.1) as different clients.
 * An attack runs until {@link Attack#close()}; it records what the server did to it (connections it closed, answers
 * it gave), for the tests to judge by structure, never by time.
 */
public final class HostileClients {

  private HostileClients() {}

  /** A running attack and what the server did to it so far. */
  public static final class Attack implements AutoCloseable {
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private ScheduledExecutorService trickler;
    /** Connections the server closed (or reset) before the attack finished sending. */
    public final AtomicInteger closedByServer = new AtomicInteger();
    /** Connections the server closed before the attack sent more than 3 bytes of its trickle on them: at once. */
    public final AtomicInteger refusedAtOnce = new AtomicInteger();
    /** Answers received, by status. */
    public final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    /** Answers with a status of 429 that carried a {@code Retry-After}. */
    public final AtomicInteger retryAfters = new AtomicInteger();
    /** Bytes the attack sent in all. */
    public final AtomicLong bytesSent = new AtomicLong();
    /** Bytes the server answered on trickled connections. */
    public final AtomicLong bytesAnswered = new AtomicLong();
    /** The start of the first answer on a trickled connection, for a failure's message. */
    public volatile String firstAnswer = "";
    /** Requests whose headers the attack finished sending (a slow-header attack should finish none). */
    public final AtomicInteger headersCompleted = new AtomicInteger();

    /** @return the answers of that status so far */
    public int answered(int status) {
      AtomicInteger n = statuses.get(status);
      return n == null ? 0 : n.get();
    }

    /** @return the connections the attack opened */
    public int connections() {
      synchronized (sockets) {
        return sockets.size();
      }
    }

    @Override
    public void close() {
      stopped.set(true);
      if (trickler != null) {
        trickler.shutdownNow();
      }
      synchronized (sockets) {
        for (Socket s : sockets) {
          try {
            s.close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
      }
      for (Thread t : threads) {
        t.interrupt();
        try {
          t.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Opens connections that send a request's bytes one tick at a time and never finish: the request line and headers
   * ({@code body == null}: slow headers), or complete headers and then the body ({@code body != null}: slow body).
   *
   * @param base the server
   * @param from the source address, e.g. {@code 127.0.0.2}
   * @param connections how many
   * @param head the request line and headers, ending with the blank line
   * @param body the body to trickle after the head, or {@code null} to trickle the head itself
   * @param bytesPerTick bytes sent on each connection per tick
   * @param tick the time between two sends
   * @return the running attack
   */
  public static Attack trickle(URI base, String from, int connections, String head, byte[] body, int bytesPerTick,
      Duration tick) throws IOException {
    Attack a = new Attack();
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] toTrickle = body == null ? headBytes : body;
    List<int[]> positions = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Socket s = open(base, from);
      synchronized (a.sockets) {
        a.sockets.add(s);
      }
      if (body != null) {
        try {
          s.getOutputStream().write(headBytes);
          a.bytesSent.addAndGet(headBytes.length);
          a.headersCompleted.incrementAndGet();
        } catch (IOException e) {
          a.refusedAtOnce.incrementAndGet();
          a.closedByServer.incrementAndGet();
          positions.add(new int[] {-1});
          continue;
        }
      }
      positions.add(new int[] {0});
    }
    a.trickler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hostile-trickle-" + from);
      t.setDaemon(true);
      return t;
    });
    List<Socket> mine;
    synchronized (a.sockets) {
      mine = List.copyOf(a.sockets);
    }
    a.trickler.scheduleWithFixedDelay(() -> {
      for (int i = 0; i < mine.size(); i++) {
        int[] at = positions.get(i);
        if (at[0] < 0 || a.stopped.get()) {
          continue;
        }
        Socket s = mine.get(i);
        try {
          if (closedAlready(s, a)) {
            closed(a, at);
            continue;
          }
          int n = Math.min(bytesPerTick, toTrickle.length - 1 - at[0]); // the last byte is never sent
          if (n <= 0) {
            continue;
          }
          OutputStream out = s.getOutputStream();
          out.write(toTrickle, at[0], n);
          out.flush();
          a.bytesSent.addAndGet(n);
          at[0] += n;
        } catch (IOException e) {
          if (!a.stopped.get()) {
            closed(a, at);
          }
          at[0] = -1;
        }
      }
    }, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    return a;
  }

  private static void closed(Attack a, int[] at) {
    a.closedByServer.incrementAndGet();
    if (at[0] <= 3) {
      a.refusedAtOnce.incrementAndGet();
    }
    at[0] = -1;
  }

  /**
   * Floods an endpoint with wrong credentials: each of {@code connections} threads sends the request back to back,
   * one connection per request ({@code Connection: close}), and counts the answers.
   *
   * @param base the server
   * @param from the source address
   * @param connections parallel flooders
   * @param request the whole request (line, headers with {@code Connection: close}, blank line, body)
   * @return the running attack
   */
  public static Attack flood(URI base, String from, int connections, String request) {
    Attack a = new Attack();
    byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < connections; i++) {
      Thread t = new Thread(() -> {
        while (!a.stopped.get()) {
          try (Socket s = open(base, from)) {
            synchronized (a.sockets) {
              if (a.stopped.get()) {
                return;
              }
            }
            s.setSoTimeout(60_000);
            s.getOutputStream().write(bytes);
            a.bytesSent.addAndGet(bytes.length);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int status = status(answer);
            a.statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            if (status == 429 && header(answer, "Retry-After") != null) {
              a.retryAfters.incrementAndGet();
            }
          } catch (IOException e) {
            if (!a.stopped.get()) {
              a.closedByServer.incrementAndGet();
              pause(); // refused at once (over the per-address cap): do not spin
            }
          }
        }
      }, "hostile-flood-" + from + "-" + i);
      t.setDaemon(true);
      a.threads.add(t);
      t.start();
    }
    return a;
  }

  /**
   * Sends one whole request from a source address and reads the answer to its end (send {@code Connection: close}).
   *
   * @return the answer's bytes as ISO-8859-1 text; empty when the server closed without answering
   */
  public static String exchange(URI base, String from, String request) throws IOException {
    try (Socket s = open(base, from)) {
      s.setSoTimeout(60_000);
      try {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      } catch (IOException e) {
        return "";
      }
    }
  }

  /** @return the status of an answer's text, 0 for none */
  public static int status(String answer) {
    if (!answer.startsWith("HTTP/1.1 ") || answer.length() < 12) {
      return 0;
    }
    return Integer.parseInt(answer.substring(9, 12));
  }

  /** @return a header of an answer's text, or {@code null} */
  public static String header(String answer, String name) {
    for (String line : answer.split("\r\n")) {
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** @return an {@code Authorization: Basic} value */
  public static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Waits until the server closed a connection or a read timed out.
   *
   * @return whether the server closed the connection (end of stream or reset) without sending a byte; {@code false}
   *     when it is still open after the timeout or sent something
   */
  public static boolean closedWithoutAnswer(Socket s, Duration wait) throws IOException {
    s.setSoTimeout((int) wait.toMillis());
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** @return a connection to the server from the source address */
  public static Socket open(URI base, String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 30_000);
    return s;
  }

  /** @return whether the server closed the connection; reads (and drops) what it answered meanwhile */
  private static boolean closedAlready(Socket s, Attack a) {
    try {
      InputStream in = s.getInputStream();
      s.setSoTimeout(1);
      byte[] buf = new byte[4096];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return true;
        }
        if (a.bytesAnswered.getAndAdd(n) == 0) {
          a.firstAnswer = new String(buf, 0, Math.min(n, 300), StandardCharsets.ISO_8859_1);
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The names of a service's threads parked (their top frame a wait) with a frame ({@code class.method}) containing
   * {@code inside} below, and none containing {@code unless} (a thread waiting its turn for a password check is in the
   * bounded queue, not held by a slow client).
   */
  public static Set<String> parkedThreads(String service, String inside, String unless) {
    Set<String> parked = new TreeSet<>();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      boolean waiting = stack.length > 0
          && Set.of("park", "wait", "wait0", "sleep", "sleep0").contains(stack[0].getMethodName());
      boolean in = Arrays.stream(stack).anyMatch(f -> (f.getClassName() + "." + f.getMethodName()).contains(inside));
      boolean excused = Arrays.stream(stack).anyMatch(f -> (f.getClassName() + "." + f.getMethodName()).contains(unless));
      if (thread.getName().startsWith(service) && waiting && in && !excused) {
        parked.add(thread.getName());
      }
    });
    return parked;
  }
}
