/**
 * The operator dashboard at {@code /admin} (docs/operations.md): every node samples its own figures
 * each second ({@link dev.rollcall.dispatch.admin.NodeSampler}) and publishes them to the cluster;
 * each node folds what it hears with the presence tracker's view of its peers ({@link
 * dev.rollcall.dispatch.admin.ClusterView}), keeps ten minutes of cluster totals, and relays it all
 * to the dashboards joined on its {@code admin:dashboard} channel, whose join the API key
 * authorizes ({@link dev.rollcall.dispatch.admin.AdminChannel}).
 */
package dev.rollcall.dispatch.admin;
