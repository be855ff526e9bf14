package io.delpha.sdk.capabilities;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The POM's own {@code <properties>} (the top-level ones, not a profile's), read from {@code pom.xml} as Maven's model
 * has them: the one place a stack's version is written. Tests compare against these instead of repeating a version.
 */
final class PomProperties {

  private static final Map<String, String> PROPERTIES = read();

  private PomProperties() {}

  /**
   * @param name a property of the POM, e.g. {@code aws-sdk.version}
   * @return its value
   * @throws IllegalArgumentException when the POM has no such property
   */
  static String get(String name) {
    String v = PROPERTIES.get(name);
    if (v == null) {
      throw new IllegalArgumentException("pom.xml has no property " + name);
    }
    return v;
  }

  /** @return every top-level property of the POM, plus {@code project.version} */
  static Map<String, String> all() {
    return PROPERTIES;
  }

  /**
   * @param groupArtifact {@code groupId:artifactId}
   * @param property the POM property holding its version
   * @return {@code groupId:artifactId:version}
   */
  static String coordinates(String groupArtifact, String property) {
    return groupArtifact + ":" + get(property);
  }

  private static Map<String, String> read() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Element project = f.newDocumentBuilder().parse(Path.of("pom.xml").toFile()).getDocumentElement();
      Map<String, String> out = new LinkedHashMap<>();
      for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals("version")) {
          out.put("project.version", e.getTextContent().trim());
        }
        if (n instanceof Element e && e.getTagName().equals("properties")) {
          for (Node p = e.getFirstChild(); p != null; p = p.getNextSibling()) {
            if (p instanceof Element prop) {
              out.put(prop.getTagName(), prop.getTextContent().trim());
            }
          }
        }
      }
      return Map.copyOf(out);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read pom.xml", e);
    }
  }
}
