package io.nglive;

import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.spi.RouteController;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN until every route has started. The HTTP server listens before the route controller has started the routes,
 * and Camel's own checks are UP in that window, when {@code /webhook} or {@code /api} would still answer 404.
 */
final class RoutesStartedCheck extends AbstractHealthCheck {

    RoutesStartedCheck() {
        super("nglive", "routes-started");
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext camel = getCamelContext();
        RouteController controller = camel.getRouteController();
        // routes are added one by one while the controller starts them: until it is done, the list is incomplete
        if (!camel.isStarted() || controller.isStartingRoutes() || camel.getRoutes().isEmpty()) {
            builder.message("routes are starting").down();
            return;
        }
        List<String> waiting = camel.getRoutes().stream().map(Route::getRouteId)
                .filter(id -> !controller.getRouteStatus(id).isStarted()).toList();
        if (waiting.isEmpty()) {
            builder.up();
        } else {
            builder.message("routes not started: " + waiting).down();
        }
    }
}
