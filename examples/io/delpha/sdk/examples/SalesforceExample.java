package io.delpha.sdk.examples;

import io.delpha.sdk.core.Secret;
import io.delpha.sdk.salesforce.QueryResult;
import io.delpha.sdk.salesforce.SalesforceManager;
import java.util.List;
import java.util.Map;

/**
 * {@code SalesforceManager} against a real Salesforce org: log in, print {@code help()}, query the
 * contacts' names and the org's API usage. It needs a connected app and a user, read from the
 * environment; without them it prints what to set and exits (there is no embedded Salesforce).
 *
 * <pre>
 * export SALESFORCE_INSTANCE=mycompany          # My Domain: https://mycompany.my.salesforce.com
 * export SALESFORCE_CLIENT_ID=... SALESFORCE_CLIENT_SECRET=...
 * export SALESFORCE_USERNAME=... SALESFORCE_PASSWORD=... SALESFORCE_SECURITY_TOKEN=...
 * mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.SalesforceExample
 * </pre>
 */
public final class SalesforceExample {

  private static final List<String> SETTINGS = List.of("SALESFORCE_INSTANCE", "SALESFORCE_CLIENT_ID",
      "SALESFORCE_CLIENT_SECRET", "SALESFORCE_USERNAME", "SALESFORCE_PASSWORD", "SALESFORCE_SECURITY_TOKEN");

  private SalesforceExample() {}

  /**
   * @param args unused
   */
  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    List<String> missing = SETTINGS.stream().filter(name -> env.getOrDefault(name, "").isBlank()).toList();
    if (!missing.isEmpty()) {
      System.out.println("""
          SalesforceExample logs in to a real Salesforce org; it has nothing to talk to without one.
          Set these environment variables (missing now: %s):

            SALESFORCE_INSTANCE        the My Domain name: mycompany -> https://mycompany.my.salesforce.com
            SALESFORCE_CLIENT_ID       the connected app's consumer key
            SALESFORCE_CLIENT_SECRET   the connected app's consumer secret
            SALESFORCE_USERNAME        the API user
            SALESFORCE_PASSWORD        its password
            SALESFORCE_SECURITY_TOKEN  its security token (Settings > Reset My Security Token)

          then run:
            mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.SalesforceExample

          It logs in (OAuth username-password flow), prints sf.help(), runs
          sf.query("SELECT Name FROM Contact") and prints sf.apiUsage(). See docs/salesforce.md.
          """.formatted(String.join(", ", missing)));
      return;
    }
    try (SalesforceManager sf = SalesforceManager.builder()
        .instance(env.get("SALESFORCE_INSTANCE"))
        .clientId(env.get("SALESFORCE_CLIENT_ID"))
        .clientSecret(Secret.of(env.get("SALESFORCE_CLIENT_SECRET")))
        .username(env.get("SALESFORCE_USERNAME"))
        .password(Secret.of(env.get("SALESFORCE_PASSWORD")))
        .securityToken(Secret.of(env.get("SALESFORCE_SECURITY_TOKEN")))
        .build()) {
      System.out.println("logged in: " + sf);
      System.out.println(sf.help());
      QueryResult contacts = sf.query("SELECT Name FROM Contact");
      System.out.println(contacts.totalSize() + " contacts; the first ten:");
      contacts.records().stream().limit(10).forEach(r -> System.out.println("  " + r.get("Name")));
      System.out.println("API usage: " + sf.apiUsage());
    }
  }
}
