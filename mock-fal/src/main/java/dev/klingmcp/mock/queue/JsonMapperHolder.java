package dev.klingmcp.mock.queue;

import com.fasterxml.jackson.databind.ObjectMapper;

/** One shared, thread-safe mapper for the queue package (ObjectMapper is costly to build and safe to share once configured). */
final class JsonMapperHolder {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonMapperHolder() {}
}
