import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A hostile ingest app (tests): tries to reach the host's Cassandra and the internet, and reports what it saw as
 * rows of the table "notes" (id, seen). Arguments: the host and port of the manager's Cassandra.
 */
public class Net {
  public static void main(String[] args) {
    String[][] targets = {{args[0], args[1]}, {"1.1.1.1", "443"}, {"localhost", args[1]}};
    int id = 1;
    for (String[] t : targets) {
      String seen;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(t[0], Integer.parseInt(t[1])), 2000);
        seen = "CONNECTED to " + t[0] + ":" + t[1];
      } catch (Exception e) {
        seen = "no connection to " + t[0] + ":" + t[1] + ": " + e;
      }
      System.out.println("{\"table\":\"notes\",\"row\":{\"id\":" + id++ + ",\"seen\":\"" + seen.replace("\\", "/")
          .replace("\"", "'") + "\"}}");
    }
  }
}
