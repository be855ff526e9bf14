package io.delpha.sdk.capabilities;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The class paths host applications get: the library's published (flattened) POM, which lists the core's dependencies
 * only, plus the stack of one capability's published artifact ({@code delpha-data-sdk-<id>}, generated from {@code
 * src/artifacts}), resolved by Maven as a host's build would.
 * One throwaway Maven project per capability under {@code target/capability-hosts}, all resolved by one Maven run.
 * The library itself is this build's {@code target/classes}; a host program's classes are copied beside it.
 */
final class CapabilityHosts {

  private static final Path BASE = Path.of("").toAbsolutePath();
  private static final Path HOSTS = BASE.resolve("target/capability-hosts");
  private static final Pattern DEPENDENCY = Pattern.compile("(?s)<dependency>.*?</dependency>");
  /** The everything artifact's published POM: every capability's module, and the core's stack. */
  private static final String PUBLISHED = "bundle/target/.flattened-pom.xml";
  private static final Pattern OURS = Pattern.compile(
      "<groupId>io\\.delpha</groupId>\\s*<artifactId>delpha-data-sdk(?:-([a-z0-9-]+))?</artifactId>");
  private static final String MAVEN_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private CapabilityHosts() {}

  /**
   * Resolves each capability's class path (the core alone for {@code "core"}) with one Maven run.
   *
   * @param capabilities the capability ids, as docs/dependencies.md heads their sections
   * @return per capability, its third-party jars
   */
  static Map<String, List<Path>> resolve(List<String> capabilities) throws IOException, InterruptedException {
    String coreDependencies = coreDependencies();
    StringBuilder modules = new StringBuilder();
    for (String id : capabilities) {
      String snippet = id.equals("core") ? "" : artifactStack(id);
      Path dir = Files.createDirectories(HOSTS.resolve(id));
      Files.deleteIfExists(dir.resolve("classpath.txt"));
      Files.writeString(dir.resolve("pom.xml"), """
          <?xml version="1.0" encoding="UTF-8"?>
          <project xmlns="http://maven.apache.org/POM/4.0.0">
            <modelVersion>4.0.0</modelVersion>
            <groupId>example.host</groupId>
            <artifactId>%s</artifactId>
            <version>1</version>
            <dependencies>
          %s
          %s
            </dependencies>
            <build>
              <plugins>
                <plugin>
                  <groupId>org.apache.maven.plugins</groupId>
                  <artifactId>maven-dependency-plugin</artifactId>
                  <version>3.8.1</version>
                  <executions>
                    <execution>
                      <phase>validate</phase>
                      <goals><goal>build-classpath</goal></goals>
                      <configuration>
                        <includeScope>runtime</includeScope>
                        <outputFile>${project.basedir}/classpath.txt</outputFile>
                      </configuration>
                    </execution>
                  </executions>
                </plugin>
              </plugins>
            </build>
          </project>
          """.formatted(id, coreDependencies, snippet));
      modules.append("    <module>").append(id).append("</module>\n");
    }
    Files.writeString(HOSTS.resolve("pom.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example.host</groupId>
          <artifactId>hosts</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <modules>
        %s  </modules>
        </project>
        """.formatted(modules));
    String mavenHome = System.getProperty("delpha.maven.home", "/usr/share/maven");
    List<String> cmd = new ArrayList<>(List.of(Path.of(mavenHome, "bin", "mvn").toString(), "-B", "-q", "-ntp",
        "-f", HOSTS.resolve("pom.xml").toString()));
    String repo = System.getProperty("delpha.maven.repo");
    if (repo != null) {
      cmd.add("-Dmaven.repo.local=" + repo);
    }
    cmd.add("validate");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // a short-lived Maven: the client compiler only and one GC thread, about half the CPU time of the defaults
    pb.environment().merge("MAVEN_OPTS", MAVEN_OPTS, (was, ours) -> was + " " + ours);
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("Maven could not resolve the capability hosts:\n" + output);
    }
    Map<String, List<Path>> out = new LinkedHashMap<>();
    for (String id : capabilities) {
      String cp = Files.readString(HOSTS.resolve(id).resolve("classpath.txt")).trim();
      out.put(id, cp.isEmpty() ? List.of()
          : Stream.of(cp.split(File.pathSeparator)).map(Path::of).toList());
    }
    return out;
  }

  /**
   * @param jars a capability's third-party jars
   * @param main the host program, whose class files (and nested ones) are copied into their own folder
   * @return the class path: the library's classes, the host program, the jars
   */
  static String classPath(List<Path> jars, Class<?> main) throws IOException {
    List<Path> classes = io.delpha.sdk.testing.ProjectFiles.classFolders();
    Path source = Path.of(main.getProtectionDomain().getCodeSource().getLocation().getPath());
    String rel = main.getName().replace('.', '/');
    Path dir = HOSTS.resolve("program");
    Path target = dir.resolve(rel).getParent();
    Files.createDirectories(target);
    String simple = main.getSimpleName();
    try (Stream<Path> files = Files.list(source.resolve(rel).getParent())) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals(simple + ".class")
          || f.getFileName().toString().startsWith(simple + "$")).toList()) {
        Files.copy(f, target.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    List<String> entries = new ArrayList<>();
    classes.forEach(c -> entries.add(c.toAbsolutePath().toString()));
    entries.add(dir.toString());
    jars.forEach(j -> entries.add(j.toString()));
    return String.join(File.pathSeparator, entries);
  }

  /**
   * Runs a short-lived child JVM of this JDK (the client compiler only and one GC thread: about a third less CPU
   * time), the output joined to its lines. The child must end within {@code timeout} with status 0, and its output
   * must not contain any of {@code forbidden}.
   *
   * @param jvmArgs the arguments after {@code java} and its memory and compiler options
   * @param timeout how long the child may run
   * @param forbidden texts that mean a linking failure the caller checks for
   * @return the output's non-blank lines, stripped
   */
  static List<String> runChild(List<String> jvmArgs, java.time.Duration timeout, String... forbidden)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(jvmArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    for (String f : forbidden) {
      assertThat(output).doesNotContain(f);
    }
    return output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /**
   * The core's jars without a Maven run: the published POM lists every runtime dependency of the library with the
   * version this build resolved (docs/dependencies.md), and this test JVM's class path holds each of them.
   *
   * @return the jars of a host that takes the core alone, in the published POM's order
   */
  static List<Path> coreJars() {
    Element project;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      project = f.newDocumentBuilder().parse(BASE.resolve(PUBLISHED).toFile()).getDocumentElement();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + PUBLISHED, e);
    }
    List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    List<Path> out = new ArrayList<>();
    for (Element dependencies : children(project, "dependencies")) {
      for (Element d : children(dependencies, "dependency")) {
        String scope = text(d, "scope", "compile");
        if (text(d, "optional", "false").equals("true") || !(scope.equals("compile") || scope.equals("runtime"))) {
          continue;
        }
        if (text(d, "groupId", "").equals("io.delpha")) {
          continue; // the library's own modules: their classes, see classPath
        }
        String artifact = text(d, "artifactId", "");
        String version = text(d, "version", "");
        String suffix = File.separator + artifact + File.separator + version + File.separator + artifact + "-"
            + version + ".jar";
        out.add(classPath.stream().filter(e -> e.endsWith(suffix)).findFirst().map(Path::of).orElseThrow(
            () -> new IllegalStateException("the published POM's " + artifact + ":" + version
                + " is not on the test class path")));
      }
    }
    return out;
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element parent, String tag, String otherwise) {
    List<Element> found = children(parent, tag);
    return found.isEmpty() ? otherwise : found.get(0).getTextContent().trim();
  }

  /** The published POM's dependencies (the core's), as a host's resolver reads them. */
  private static String coreDependencies() throws IOException {
    String pom = Files.readString(BASE.resolve(PUBLISHED));
    Matcher m = Pattern.compile("(?s)\\n  <dependencies>(.*?)\\n  </dependencies>").matcher(pom);
    if (!m.find()) {
      throw new IllegalStateException(PUBLISHED + " has no dependencies");
    }
    return thirdParty(m.group(1));
  }

  /** The dependency elements of {@code xml} that are not the library's own modules. */
  private static String thirdParty(String xml) {
    StringBuilder out = new StringBuilder();
    Matcher d = DEPENDENCY.matcher(xml);
    while (d.find()) {
      if (!d.group().contains("<groupId>io.delpha</groupId>")) {
        out.append(d.group()).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * A capability's stack as its published artifact brings it: the {@code <dependency>} elements of {@code
   * target/artifacts/<id>/pom.xml} (filtered from {@code src/artifacts} by the build), the library itself left out
   * (the host gets it from the published POM) and the capabilities it builds on expanded into their own stacks.
   *
   * @param id a capability id, as its artifact {@code delpha-data-sdk-<id>} is named
   * @return the XML of those dependency elements
   */
  static String artifactStack(String id) {
    Path pom = BASE.resolve("target/artifacts").resolve(id).resolve("pom.xml");
    if (!Files.exists(pom) && Files.exists(BASE.resolve(id).resolve("target/.flattened-pom.xml"))) {
      // a capability that is a module of its own (parquet, salesforce): its published POM
      pom = BASE.resolve(id).resolve("target/.flattened-pom.xml");
    }
    String text;
    try {
      text = Files.readString(pom);
    } catch (IOException e) {
      throw new UncheckedIOException("no artifact POM for capability " + id + " (src/artifacts/" + id + ")", e);
    }
    StringBuilder out = new StringBuilder();
    Matcher d = DEPENDENCY.matcher(text);
    while (d.find()) {
      String xml = d.group();
      Matcher ours = OURS.matcher(xml);
      if (ours.find()) {
        // the library's own artifacts: the host has the core's stack from the published POM, another capability's
        // is expanded into its own (a module's flattened POM lays its elements out on lines of their own)
        if (ours.group(1) != null && !ours.group(1).equals("core")) {
          out.append(artifactStack(ours.group(1)));
        }
        continue;
      }
      out.append(xml).append('\n');
    }
    return out.toString();
  }
}
