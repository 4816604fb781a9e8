package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route file obeys Camel's YAML DSL JSON schema ({@code /schema/camelYamlDsl.json} in the
 * camel-yaml-dsl jar, the schema Kaoto and the IDE plugins validate with), so a typo in a step or
 * an option is a failed build rather than a route that fails at start or silently differs.
 */
class RouteSchemaTests {

    static final String SCHEMA = "/schema/camelYamlDsl.json";

    static final JsonSchema CAMEL_YAML_DSL = camelYamlDslSchema();

    static JsonSchema camelYamlDslSchema() {
        try (InputStream schema = RouteSchemaTests.class.getResourceAsStream(SCHEMA)) {
            assertThat(schema).as("%s on the classpath (camel-yaml-dsl)", SCHEMA).isNotNull();
            // draft-04 plus the one keyword Camel adds: "deprecated" is documentation, not a constraint
            JsonMetaSchema draft4 = JsonMetaSchema.builder(JsonMetaSchema.getV4())
                    .keyword(new NonValidationKeyword("deprecated"))
                    .build();
            return JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4))
                    .metaSchema(draft4)
                    .build()
                    .getSchema(schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> routeFiles() {
        return RouteFiles.all();
    }

    static Set<ValidationMessage> validate(JsonNode routes) {
        return CAMEL_YAML_DSL.validate(routes);
    }

    static Set<ValidationMessage> validate(String yaml) throws IOException {
        return validate(RouteFiles.YAML.readTree(yaml));
    }

    @Test
    void findsTheRouteFiles() {
        assertThat(routeFiles()).as("route files in %s", RouteFiles.directory())
                .extracting(file -> file.getFileName().toString())
                .contains("route-configurations.camel.yaml", "payment-pipeline.camel.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routeFiles")
    void routeFileObeysTheCamelYamlDslSchema(Path file) {
        Set<ValidationMessage> messages = validate(RouteFiles.read(file));

        assertThat(messages).as("schema violations in %s:%n%s", file.getFileName(), messages).isEmpty();
    }

    /** The route examples of the README (YAML blocks that start with {@code - route:}). */
    static List<String> readmeRoutes() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> routes = new ArrayList<>();
        Matcher block = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (block.find()) {
            String yaml = block.group(1).stripIndent();
            if (yaml.startsWith("- route:")) {
                routes.add(yaml);
            }
        }
        return routes;
    }

    @Test
    void readmeRouteExamplesObeyTheCamelYamlDslSchema() throws IOException {
        List<String> examples = readmeRoutes();

        assertThat(examples).as("route examples in README.md").isNotEmpty();
        for (String example : examples) {
            assertThat(validate(example)).as("schema violations in the README example:%n%s", example).isEmpty();
        }
    }

    @Test
    void rejectsAnUnknownStep() throws IOException {
        Set<ValidationMessage> messages = validate("""
                - route:
                    id: broken
                    from:
                      uri: direct:broken
                      steps:
                        - proces:
                            ref: callbackRequestReader
                """);

        assertThat(messages).isNotEmpty();
    }

    @Test
    void rejectsAFromWithoutUri() throws IOException {
        Set<ValidationMessage> messages = validate("""
                - route:
                    id: broken
                    from:
                      steps:
                        - log:
                            message: hello
                """);

        assertThat(messages).extracting(ValidationMessage::getMessage).anySatisfy(
                message -> assertThat(message).contains("uri"));
    }

    @Test
    void rejectsAnUnknownOption() throws IOException {
        Set<ValidationMessage> messages = validate("""
                - route:
                    id: broken
                    from:
                      uri: direct:broken
                      steps:
                        - bean:
                            ref: outbox
                            methd: write
                """);

        assertThat(messages).isNotEmpty();
    }
}
