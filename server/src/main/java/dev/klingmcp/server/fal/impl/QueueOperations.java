package dev.klingmcp.server.fal.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.fal.client.ApiException;
import dev.klingmcp.fal.client.api.QueueApi;
import dev.klingmcp.fal.client.model.QueueStatus;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.SpecBundler;
import dev.klingmcp.server.fal.FalException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which generated operation submits to which endpoint, derived from the registry: the bundled document names each
 * submit {@link SpecBundler#submitOperationId} and types its body with the registry entry's {@code inputComponent}, so
 * the generated {@link QueueApi} has exactly that method taking exactly that model. Adding an endpoint needs no line
 * here. Status, result and cancel use fal's {@code owner/app} paths, shared by every Kling endpoint, as fal's own
 * clients do.
 */
final class QueueOperations {

    /** The owner/app prefix the generated status/result/cancel operations are bound to. */
    static final String APP_ID = "fal-ai/kling-video";

    private static final String MODEL_PACKAGE = "dev.klingmcp.fal.client.model.";

    private static final Map<String, Submit> SUBMITS = new ConcurrentHashMap<>();

    private QueueOperations() {}

    /** One endpoint's typed submit: the input converted to its generated model, then POSTed. */
    static final class Submit {

        private final Method method;

        private final Class<?> inputType;

        private Submit(Method method, Class<?> inputType) {
            this.method = method;
            this.inputType = inputType;
        }

        /** The generated input model the body is serialized from. */
        Class<?> inputType() {
            return inputType;
        }

        QueueStatus submit(QueueApi api, ObjectMapper mapper, ObjectNode input, String webhook)
                throws ApiException, IOException {
            Object body = mapper.treeToValue(input, inputType);
            try {
                return (QueueStatus) method.invoke(api, body, webhook, null, null, null);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof ApiException refused) {
                    throw refused;
                }
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The endpoint's generated submit; a registry entry the client was not generated for fails here, by name. */
    static Submit submitFor(FalEndpoint endpoint) {
        return SUBMITS.computeIfAbsent(endpoint.id(), id -> find(endpoint));
    }

    private static Submit find(FalEndpoint endpoint) {
        String operation = SpecBundler.submitOperationId(endpoint);
        try {
            Class<?> inputType = Class.forName(MODEL_PACKAGE + endpoint.inputComponent());
            Method method = QueueApi.class.getMethod(
                    operation, inputType, String.class, Integer.class, BigDecimal.class, String.class);
            return new Submit(method, inputType);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw FalException.protocol("the generated client has no " + operation + "(" + endpoint.inputComponent()
                    + ", ...) for " + endpoint.id() + ": rebuild after adding the endpoint's document");
        }
    }
}
