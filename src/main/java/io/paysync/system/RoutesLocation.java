package io.paysync.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Chooses where the YAML routes are loaded from, unless {@code camel.main.routes-include-pattern}
 * is configured: a {@code routes/} directory in the working directory when present (the
 * integration team edits routes without rebuilding), otherwise the copies packaged in the jar.
 * Loading both would define every route twice.
 */
class RoutesLocation implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "camel.main.routes-include-pattern";
    static final String WORKING_DIRECTORY_ROUTES = "file:routes/*.camel.yaml";
    static final String PACKAGED_ROUTES = "classpath:routes/*.camel.yaml";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(PROPERTY)) {
            return;
        }
        String pattern = Files.isDirectory(Path.of("routes")) ? WORKING_DIRECTORY_ROUTES : PACKAGED_ROUTES;
        environment.getPropertySources().addLast(new MapPropertySource("paysyncRoutesLocation", Map.of(PROPERTY, pattern)));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
