// A real AWS Lambda handler (Node.js runtime signature): the event is the work's `inputs`.
export const handler = async (event, context) => {
  console.log(`greeting ${event.name} from ${context.functionName}`);
  if (!event.name) throw new TypeError('event.name is required');
  console.warn('this line is a warning');
  return { greeting: `Hello, ${event.name}!`, requestId: context.awsRequestId };
};
