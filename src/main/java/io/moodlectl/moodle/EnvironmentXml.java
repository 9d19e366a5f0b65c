package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moodle's {@code admin/environment.xml}: one {@code <MOODLE version="4.5" requires="4.1.2">} element per major, with
 * {@code <DATABASE><VENDOR name version/>}, {@code <PHP version level/>}, {@code <PHP_EXTENSIONS>} and
 * {@code <PHP_SETTINGS>}. Parsed with the JDK's parser, external entities and DTDs off.
 */
public final class EnvironmentXml {
    private final Map<String, Requirements> byMajor;

    private EnvironmentXml(Map<String, Requirements> byMajor) {
        this.byMajor = byMajor;
    }

    public static EnvironmentXml parse(String xml) {
        return parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "environment.xml");
    }

    /** Reads {@code admin/environment.xml} of a code tree (or the file itself if {@code path} is a file). */
    public static EnvironmentXml read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("admin/environment.xml") : path;
        if (!Files.isRegularFile(file) && Files.isDirectory(path)) {
            file = path.resolve("public/admin/environment.xml");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw MoodlectlException.notFound("no admin/environment.xml in " + path, "point at a Moodle code tree");
        } catch (IOException e) {
            throw MoodlectlException.failed("can't read " + file + ": " + e.getMessage(), "check its permissions");
        }
    }

    /** The majors the file describes, in file order ("3.9", …, "4.5"). */
    public List<String> majors() {
        return List.copyOf(byMajor.keySet());
    }

    /** The requirements of one major ("4.5"); NOT_FOUND if the file has no such MOODLE element. */
    public Requirements requirementsFor(String major) {
        Requirements r = byMajor.get(major.trim());
        if (r == null) {
            throw MoodlectlException.notFound("environment.xml has no requirements for Moodle " + major,
                    "it knows " + String.join(", ", byMajor.keySet()) + "; read the environment.xml of the target release");
        }
        return r;
    }

    private static EnvironmentXml parse(InputStream in, String name) {
        Document doc;
        try {
            doc = secureBuilder().parse(in);
        } catch (SAXException | IOException e) {
            throw MoodlectlException.invalid(name + " is not readable XML: " + e.getMessage(),
                    "compare it with the environment.xml of the Moodle release");
        }
        Element root = doc.getDocumentElement();
        if (!"COMPATIBILITY_MATRIX".equals(root.getTagName())) {
            throw MoodlectlException.invalid(name + " is not a Moodle environment.xml (root is " + root.getTagName() + ")", null);
        }
        Map<String, Requirements> result = new LinkedHashMap<>();
        for (Element moodle : children(root, "MOODLE")) {
            String major = moodle.getAttribute("version").trim();
            String requires = emptyToNull(moodle.getAttribute("requires"));
            String php = null;
            Map<String, String> databases = new LinkedHashMap<>();
            List<String> extensions = new ArrayList<>();
            Map<String, String> settings = new LinkedHashMap<>();
            for (Element db : children(moodle, "DATABASE")) {
                for (Element vendor : children(db, "VENDOR")) {
                    databases.put(vendor.getAttribute("name").trim(), vendor.getAttribute("version").trim());
                }
            }
            for (Element p : children(moodle, "PHP")) {
                if (isRequired(p)) {
                    php = emptyToNull(p.getAttribute("version"));
                }
            }
            for (Element group : children(moodle, "PHP_EXTENSIONS")) {
                for (Element ext : children(group, "PHP_EXTENSION")) {
                    if (isRequired(ext)) {
                        extensions.add(ext.getAttribute("name").trim());
                    }
                }
            }
            for (Element group : children(moodle, "PHP_SETTINGS")) {
                for (Element setting : children(group, "PHP_SETTING")) {
                    if (isRequired(setting)) {
                        settings.put(setting.getAttribute("name").trim(), setting.getAttribute("value").trim());
                    }
                }
            }
            result.put(major, new Requirements(major, requires, php, databases, extensions, settings));
        }
        if (result.isEmpty()) {
            throw MoodlectlException.invalid(name + " has no MOODLE elements", null);
        }
        return new EnvironmentXml(result);
    }

    private static boolean isRequired(Element e) {
        String level = e.getAttribute("level");
        return level.isEmpty() || "required".equalsIgnoreCase(level.trim());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && tag.equals(e.getTagName())) {
                result.add(e);
            }
        }
        return result;
    }

    private static DocumentBuilder secureBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // fatal errors throw; nothing printed
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser can't be configured securely", e);
        }
    }
}
