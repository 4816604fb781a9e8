package io.paysync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The route files the integration team edits: the top-level {@code routes/*.camel.yaml}. */
final class RouteFiles {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RouteFiles() {
    }

    /** {@code routes/} of the project: Maven runs tests in the project directory and sets {@code basedir}. */
    static Path directory() {
        return Path.of(System.getProperty("basedir", ".")).resolve("routes").toAbsolutePath().normalize();
    }

    static List<Path> all() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(file -> file.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code - route: id:} of every route file, sorted. */
    static List<String> routeIds() {
        return all().stream()
                .map(RouteFiles::read)
                .flatMap(document -> document.findValues("route").stream())
                .map(route -> route.path("id").asText())
                .sorted()
                .toList();
    }
}
