package io.paysync.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Live reload of {@code routes/} in the dev profile ({@code camel.main.routes-reload-*}), made to work
 * with paysync's route files.
 *
 * <p>Camel 4.18.0's watcher, with {@code routes-reload-remove-all-routes}, removes every route and
 * loads each file again once per route it holds: a file with several routes (most of ours) is then
 * loaded twice and the reload fails on a duplicate route id, leaving paysync with no routes at all.
 * When Camel has set up its watcher, this replaces it with one that reloads the whole directory, each
 * file once; and when a saved file is broken, it loads the other files again, so that one mistake
 * stops only the routes of that file.
 */
@Component
class RoutesReload implements CamelContextConfiguration {

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // Camel sets up its watcher while it configures the context; see afterApplicationStart
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        RouteWatcherReloadStrategy camels = camelContext.hasService(RouteWatcherReloadStrategy.class);
        if (camels == null || camels instanceof WholeDirectory || !camels.isRemoveAllRoutes()) {
            return;
        }
        WholeDirectory replacement = new WholeDirectory(camels.getFolder(), camels.isRecursive());
        replacement.setPattern(camels.getPattern());
        replacement.setRemoveAllRoutes(true);
        try {
            camelContext.removeService(camels);
            camels.stop();
            camelContext.addService(replacement);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the live reload of " + camels.getFolder(), e);
        }
    }

    /** Reloads every route file of the directory on any change. */
    static final class WholeDirectory extends RouteWatcherReloadStrategy {

        private static final Logger log = LoggerFactory.getLogger(RoutesReload.class);

        WholeDirectory(String folder, boolean recursive) {
            super(folder, recursive);
        }

        @Override
        protected void onRouteReload(Collection<Resource> changed, boolean removeEverything) {
            CamelContext camel = getCamelContext();
            List<Resource> files = routeFiles();
            try {
                load(camel, files);
                log.info("Reloaded {} route files from {} ({} routes)", files.size(), getFolder(), camel.getRoutes().size());
            } catch (Exception e) {
                Set<String> broken = changed == null ? Set.of()
                        : changed.stream().map(Resource::getLocation).collect(Collectors.toSet());
                log.warn("Cannot load the routes of {}: {}. The routes of the other files run again; fix the file"
                        + " and save it", broken, e.getMessage());
                try {
                    load(camel, files.stream().filter(file -> !broken.contains(file.getLocation())).toList());
                } catch (Exception again) {
                    log.error("Cannot load the other route files either; no routes run until a file is fixed", again);
                }
            }
        }

        private static void load(CamelContext camel, List<Resource> files) throws Exception {
            camel.getRouteController().removeAllRoutes();
            camel.removeRouteTemplates("*");
            PluginHelper.getRoutesLoader(camel).updateRoutes(files);
        }

        private List<Resource> routeFiles() {
            Path folder = Path.of(getFolder());
            try (Stream<Path> paths = isRecursive() ? Files.walk(folder) : Files.list(folder)) {
                return paths.filter(Files::isRegularFile)
                        .map(Path::toFile)
                        .filter(file -> getFileFilter() == null || getFileFilter().accept(file))
                        .sorted()
                        .map(file -> ResourceHelper.resolveResource(getCamelContext(), "file:" + file.getPath()))
                        .toList();
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + folder, e);
            }
        }
    }
}
