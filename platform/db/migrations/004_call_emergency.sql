-- A call in which the caller said an emergency word (keyword spotting): 疑似紧急, for supervisors and the order.
ALTER TABLE calls ADD COLUMN emergency_keyword text;
ALTER TABLE calls ADD COLUMN emergency_at timestamptz;
