package dev.klingmcp.mock.impl;

import dev.klingmcp.mock.queue.InputProblem;
import dev.klingmcp.mock.queue.ModelCatalog;
import dev.klingmcp.mock.queue.ModelEndpoint;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.InputValidator;
import dev.klingmcp.openapi.Violation;
import java.util.Collection;
import java.util.List;

/**
 * The mock's endpoints, straight from the openapi module's registry: the same documents, derived schemas and
 * cross-field rules the MCP server validates with, so the two can never disagree about what is valid.
 */
public final class OpenApiModelCatalog implements ModelCatalog {

    private final List<ModelEndpoint> endpoints;

    private OpenApiModelCatalog(List<ModelEndpoint> endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * The catalog of every model in the endpoint registry, read from their OpenAPI documents.
     *
     * @param strictSchema reject fields a model does not declare; fal itself ignores them, so the default is false
     */
    public static OpenApiModelCatalog load(boolean strictSchema) {
        return new OpenApiModelCatalog(FalEndpoints.load().all().stream()
                .map(e -> toModel(e, InputValidator.forEndpoint(e, strictSchema)))
                .toList());
    }

    @Override
    public Collection<ModelEndpoint> endpoints() {
        return endpoints;
    }

    private static ModelEndpoint toModel(FalEndpoint endpoint, InputValidator validator) {
        return new ModelEndpoint(
                endpoint.id(),
                endpoint.appId(),
                endpoint.timing().queueSeconds(),
                endpoint.timing().runSecondsPer5s(),
                input -> validator.validate(input).stream()
                        .map(OpenApiModelCatalog::toProblem)
                        .toList());
    }

    static InputProblem toProblem(Violation v) {
        String msg = v.allowed().isEmpty() ? v.problem() : v.problem() + "; allowed: " + v.allowed();
        return new InputProblem(v.loc(), msg, v.type(), v.ctx());
    }
}
