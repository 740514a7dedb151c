package io.nglive.pipeline;

/** Receives the progress of a running stage, as a percentage from 0 to 100. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = percent -> { };

    void progress(double percent);
}
