package io.baton.server.api;

import io.baton.server.api.ApiServer.ApiException;
import io.baton.server.service.ServiceManager;
import io.baton.server.service.ServiceManager.VersionList;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * API endpoints of service versions:
 * <ul>
 *   <li>{@code GET /api/services/{name}/versions}: the kept versions, oldest first, and the current one;</li>
 *   <li>{@code POST /api/services/{name}/rollback} with an optional {@code {"version": N}}: deploys a kept
 *       version again as a new version (default: the one before the current version); 404 lists the kept versions;</li>
 *   <li>{@code GET /api/services/{name}/export?version=N}: a kept version as a zip archive (default: the current one).</li>
 * </ul>
 * A deploy of such an archive is {@code POST /api/services} with {@code Content-Type: application/zip}.
 */
final class VersionRoutes {

    /** Body of a rollback call: the version to deploy again, or null for the one before the current version. */
    record RollbackRequest(Integer version) {
    }

    private final Supplier<ServiceManager> services;

    VersionRoutes(Supplier<ServiceManager> services) {
        this.services = services;
    }

    void register(Javalin app) {
        app.get("/api/services/{name}/versions", this::list);
        app.post("/api/services/{name}/rollback", this::rollback);
        app.get("/api/services/{name}/export", this::export);
    }

    private void list(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        VersionList list = services.get().versions(name);
        if (list.versions().isEmpty() && services.get().get(name) == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "service " + name + " is not deployed and has no kept versions;"
                    + " list services with: baton services");
        }
        ctx.json(list);
    }

    private void rollback(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        RollbackRequest req = ctx.body().isBlank() ? new RollbackRequest(null) : JsonBody.parse(ctx, RollbackRequest.class);
        if (req.version() != null && req.version() < 1) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid version " + req.version()
                    + ": expected a version number from 1 up; list them with: baton versions " + name, "version");
        }
        if (services.get().get(name) == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "service " + name + " is not deployed; deploy it, or deploy an"
                    + " archive of one of its versions with: baton deploy FILE");
        }
        ServiceManager.Deployed deployed = services.get().rollback(name, req.version(), CallAudit.caller(ctx));
        CallAudit.service(ctx, name, deployed.version().version());
        ctx.json(ApiServer.deployedView(deployed));
    }

    private void export(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        String versionText = ctx.queryParam("version");
        // Absent: the current version.
        Integer version = versionText == null || versionText.isBlank() ? null
                : QueryParameters.wholeNumber("version", versionText, 0, 1, Integer.MAX_VALUE);
        byte[] archive = services.get().export(name, version);
        ctx.contentType("application/zip").result(archive);
    }
}
