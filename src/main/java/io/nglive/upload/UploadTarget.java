package io.nglive.upload;

import java.nio.file.Path;

import io.nglive.pipeline.ProgressListener;

/** Where finished files go. One implementation per kind of target ({@code nglive.upload.target}). */
public interface UploadTarget {

    /**
     * Uploads {@code file} so that it ends up at {@code relativePath} ('/'-separated) under the target's root,
     * and verifies that it arrived whole.
     *
     * @return where the file now is: a URL, or a path for local targets
     * @throws UploadFailed with a readable reason when it did not arrive, or not whole
     */
    String upload(Path file, String relativePath, ProgressListener progress) throws UploadFailed;
}
