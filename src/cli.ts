console.log('openai-usage-insight: not yet');
