package dev.klingmcp.mock.queue;

/**
 * Told about every visible change of one job: a state change, a new log line, or a new queue position. Called after
 * the engine has released its lock, in the order the changes happened; the last call for a job is always COMPLETED.
 */
@FunctionalInterface
public interface JobListener {

    void onChange(JobSnapshot snapshot);
}
