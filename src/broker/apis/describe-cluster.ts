// DescribeCluster (key 60), v0–1: this one broker, which is also the controller.
// v1 asks for an endpoint type: 1 (brokers) is served; 2 (controllers) too, as
// the embedded broker is its own controller.
// ACLs: none needed, as in Kafka; authorized operations on the cluster when
// asked and an authorizer runs.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribeClusterRequest } from '../protocol/messages/describe-cluster-request.js';
import type { DescribeClusterResponse } from '../protocol/messages/describe-cluster-response.js';
import { CLUSTER_RESOURCE, ResourceType } from '../acl/types.js';
import { authorizedOperations } from './authorize.js';
import { OPS_UNKNOWN, type ApiHandler } from './types.js';

export const describeCluster: ApiHandler<DescribeClusterRequest, DescribeClusterResponse> = {
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const { broker } = ctx;
    const known = req.endpointType === 1 || req.endpointType === 2;
    return {
      throttleTimeMs: 0,
      errorCode: known ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
      errorMessage: known ? null : `Unsupported endpoint type ${req.endpointType}`,
      endpointType: req.endpointType,
      clusterId: broker.topics.clusterId,
      controllerId: broker.nodeId,
      brokers: known ? [{ brokerId: broker.nodeId, host: ctx.listener.advertisedHost, port: ctx.listener.advertisedPort, rack: null }] : [],
      clusterAuthorizedOperations: authorizedOperations(ctx, req.includeClusterAuthorizedOperations, ResourceType.CLUSTER, CLUSTER_RESOURCE, OPS_UNKNOWN),
    };
  },
};
