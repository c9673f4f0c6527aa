export { type ScriptRequest, sampleSiteScript } from './sample-script.js';
export { type SampleSite, sampleTask, startSampleSite } from './sample-site.js';
