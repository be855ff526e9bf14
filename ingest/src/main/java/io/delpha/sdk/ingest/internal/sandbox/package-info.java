/**
 * Internal: the sandbox of customers' program apps (docs/ingest-apps.md, "Sandbox"): {@code Sandbox} probes what this
 * machine can enforce and runs a program under it, {@code AppCgroups} gives each run its own cgroup (memory,
 * processes, CPU), {@code ProgramApp} speaks the JSON-lines protocol with the program and turns its output into rows.
 * The rest of the ingest uses it through {@code IngestApps} and {@code BatchIngestor}'s reports of the bounds. Not
 * part of the API; may change in any release.
 */
@NullMarked
package io.delpha.sdk.ingest.internal.sandbox;

import org.jspecify.annotations.NullMarked;
