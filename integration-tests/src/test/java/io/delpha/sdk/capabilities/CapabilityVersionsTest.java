package io.delpha.sdk.capabilities;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.internal.Capability;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A stack's version is written once, in the POM: the build filters it into {@code capability-versions.properties},
 * {@link Capability} names it from there, and the documentation's snippets quote the same one.
 */
@DisplayName("Capability versions: written once in the POM, filtered into the jar, quoted alike by the docs")
class CapabilityVersionsTest {

  @Test
  @DisplayName("every version the jar carries is the POM property of the same name")
  void filteredFromThePom() throws Exception {
    Properties filtered = new Properties();
    try (InputStream in = Capability.class.getResourceAsStream("capability-versions.properties")) {
      filtered.load(in);
    }
    assertThat(filtered.stringPropertyNames()).isNotEmpty();
    for (String name : filtered.stringPropertyNames()) {
      String property = name.equals("delpha-data-sdk") ? "project.version" : name + ".version";
      assertThat(filtered.getProperty(name)).as(name).isEqualTo(PomProperties.get(property));
      assertThat(Capability.version(name)).as(name).isEqualTo(PomProperties.get(property));
    }
    for (Capability c : io.delpha.sdk.testing.ProjectFiles.stacks()) {
      assertThat(c.coordinates()).as(c.id()).noneMatch(coordinate -> coordinate.contains("${"));
      assertThat(c.artifact()).as(c.id()).doesNotContain("${");
    }
  }

  @Test
  @DisplayName("the docs quote each capability artifact at the version Capability names")
  void docsQuoteTheSameVersions() throws Exception {
    Map<String, String> versions = new LinkedHashMap<>();
    for (Capability c : io.delpha.sdk.testing.ProjectFiles.stacks()) {
      for (String coordinate : c.coordinates()) {
        String[] gav = coordinate.replaceAll(" \\(.*\\)$", "").split(":");
        versions.put(gav[0] + ":" + gav[1], gav[2]);
      }
    }
    Pattern xml = Pattern.compile(
        "<groupId>([\\w.-]+)</groupId>\\s*<artifactId>([\\w.-]+)</artifactId>\\s*<version>([^<]+)</version>");
    Pattern inline = Pattern.compile("([a-z][\\w.-]*):([\\w.-]+):(\\d[\\w.-]*\\w)");
    List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    List<String> checked = new ArrayList<>();
    for (Path doc : docs) {
      String text = Files.readString(doc);
      for (Pattern p : List.of(xml, inline)) {
        Matcher m = p.matcher(text);
        while (m.find()) {
          String ga = m.group(1) + ":" + m.group(2);
          if (versions.containsKey(ga)) {
            assertThat(m.group(3)).as("%s in %s", ga, doc).isEqualTo(versions.get(ga));
            checked.add(ga);
          }
        }
      }
    }
    assertThat(checked).as("the docs quote the stacks' coordinates").contains("software.amazon.awssdk:s3",
        "org.postgresql:postgresql", "org.eclipse.jetty:jetty-server", "org.duckdb:duckdb_jdbc");
  }
}
