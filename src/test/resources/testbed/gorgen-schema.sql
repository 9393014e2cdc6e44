-- A GORGEN-like schema for the test bed: foreign keys, a trigger, a routine, a view, utf8mb4 text with accents.
CREATE TABLE tenants (
  id INT PRIMARY KEY AUTO_INCREMENT,
  nome VARCHAR(120) NOT NULL,
  criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE pacientes (
  id INT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  nome VARCHAR(200) NOT NULL,
  cpf CHAR(11) NULL,
  nascimento DATE NULL,
  observacoes TEXT NULL,
  ultimo_atendimento DATETIME NULL,
  foto BLOB NULL,
  CONSTRAINT fk_pacientes_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE atendimentos (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  paciente_id INT NOT NULL,
  data_hora DATETIME NOT NULL,
  queixa VARCHAR(500) NOT NULL,
  valor DECIMAL(10,2) NULL,
  CONSTRAINT fk_atendimentos_paciente FOREIGN KEY (paciente_id) REFERENCES pacientes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE audit_logs (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  usuario VARCHAR(120) NOT NULL,
  acao VARCHAR(60) NOT NULL,
  detalhes TEXT NULL,
  criado_em TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TRIGGER atendimentos_atualiza_paciente AFTER INSERT ON atendimentos FOR EACH ROW
  UPDATE pacientes SET ultimo_atendimento = NEW.data_hora WHERE id = NEW.paciente_id;

CREATE FUNCTION idade(nascimento DATE) RETURNS INT DETERMINISTIC
  RETURN TIMESTAMPDIFF(YEAR, nascimento, CURDATE());

CREATE VIEW pacientes_resumo AS
  SELECT p.id, p.nome, COUNT(a.id) AS atendimentos FROM pacientes p LEFT JOIN atendimentos a ON a.paciente_id = p.id
  GROUP BY p.id, p.nome;

INSERT INTO tenants (nome) VALUES ('Clínica Gorgen'), ('Consultório São João');

INSERT INTO pacientes (tenant_id, nome, cpf, nascimento, observacoes, foto)
  SELECT 1 + (seq % 2), CONCAT('Paciente ', seq, ' — João da Conceição Ávila'), LPAD(seq, 11, '0'),
         DATE_ADD('1950-01-01', INTERVAL seq * 37 DAY),
         CASE WHEN seq % 7 = 0 THEN 'Alergia a dipirona; "aspas", \'apóstrofo\', (parênteses),(vírgula); emoji 🩺'
              WHEN seq % 5 = 0 THEN 'linha 1\nlinha 2\\fim'
              ELSE NULL END,
         CASE WHEN seq % 11 = 0 THEN UNHEX(SHA2(seq, 256)) ELSE NULL END
  FROM seq_1_to_400;

INSERT INTO atendimentos (paciente_id, data_hora, queixa, valor)
  SELECT 1 + (seq % 400), DATE_ADD('2025-01-01 08:00:00', INTERVAL seq * 97 MINUTE),
         CONCAT('Consulta de rotina nº ', seq, ' — pressão arterial ', 110 + seq % 40, '/', 70 + seq % 20),
         150.00 + (seq % 9) * 12.5
  FROM seq_1_to_1500;

INSERT INTO audit_logs (tenant_id, usuario, acao, detalhes)
  SELECT 1, 'dr.andre', ELT(1 + seq % 3, 'login', 'view_patient', 'edit_record'), CONCAT('{"paciente":', seq % 400, '}')
  FROM seq_1_to_800;
